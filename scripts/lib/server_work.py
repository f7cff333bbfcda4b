"""The servers' own time for a deletion, from INFO commandstats: `reset` zeroes the counters (CONFIG
RESETSTAT) of every port; `read` prints the seconds the servers spent on it — per server the script calls
(EVALSHA + EVAL, whose time includes the SCAN and UNLINK they run) when scripts ran, else SCAN + UNLINK +
DEL, summed over the ports given (the servers of one host, which share its cores and take turns) — and,
on a second line, what it counted. Usage: server_work.py reset|read PORT [PORT…]"""
import sys
import redis

action, ports = sys.argv[1], [int(port) for port in sys.argv[2:]]
if action == "reset":
    for port in ports:
        redis.Redis(port=port).config_resetstat()
    sys.exit(0)
total, counted = 0.0, set()
for port in ports:
    stats = redis.Redis(port=port).info("commandstats")
    usec = lambda name: stats.get(f"cmdstat_{name}", {}).get("usec", 0)
    scripts = usec("evalsha") + usec("eval")
    if scripts > 0:
        total, what = total + scripts / 1e6, "script calls (EVALSHA + EVAL)"
    else:
        total, what = total + (usec("scan") + usec("unlink") + usec("del")) / 1e6, "SCAN + UNLINK + DEL"
    counted.add(what)
print(total)
print(" and ".join(sorted(counted)))

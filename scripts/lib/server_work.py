"""The servers' own time for a deletion, from INFO commandstats: `reset` zeroes the counters (CONFIG
RESETSTAT) of every port; `read` prints the seconds the busiest server spent on it — the script calls
(EVALSHA + EVAL, whose time includes the SCAN and UNLINK they run) when scripts ran, else SCAN + UNLINK +
DEL — and, on a second line, which of the two it counted. Usage: server_work.py reset|read PORT [PORT…]"""
import sys
import redis

action, ports = sys.argv[1], [int(port) for port in sys.argv[2:]]
if action == "reset":
    for port in ports:
        redis.Redis(port=port).config_resetstat()
    sys.exit(0)
busiest, counted = 0.0, "none"
for port in ports:
    stats = redis.Redis(port=port).info("commandstats")
    usec = lambda name: stats.get(f"cmdstat_{name}", {}).get("usec", 0)
    scripts = usec("evalsha") + usec("eval")
    if scripts > 0:
        seconds, what = scripts / 1e6, "script calls (EVALSHA + EVAL)"
    else:
        seconds, what = (usec("scan") + usec("unlink") + usec("del")) / 1e6, "SCAN + UNLINK + DEL"
    if seconds >= busiest:
        busiest, counted = seconds, what
print(busiest)
print(counted)

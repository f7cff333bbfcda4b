"""Times scrapes for scripts/bench-fleet.sh: SCRAPES times, 1.2 s apart (past the refresh interval, so every
scrape reads every backend afresh), a GET of cachescope serve's /metrics; with an exporter port and Redis
ports, also redis_exporter answering one /scrape?target= per Redis, all at once (as Prometheus scrapes them).
Appends one JSON line per timing to RESULTS, as scripts/lib/bench.sh's `record` does.
Usage: scrape_timer.py RESULTS CASE SERVE_PORT SCRAPES [EXPORTER_PORT REDIS_PORT…]"""
import json, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

results, case, serve, scrapes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
exporter = sys.argv[5] if len(sys.argv) > 5 else None
ports = sys.argv[6:]


def get(url):
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read()
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no answer from {url}")


def timed(body):
    began = time.perf_counter()
    body()
    return (time.perf_counter() - began) * 1000


def everyRedis():
    with ThreadPoolExecutor(len(ports)) as pool:
        list(pool.map(lambda port: get(f"http://127.0.0.1:{exporter}/scrape?target=redis://127.0.0.1:{port}"), ports))


get(f"http://127.0.0.1:{serve}/metrics")
if exporter:
    get(f"http://127.0.0.1:{exporter}/scrape?target=redis://127.0.0.1:{ports[0]}")
with open(results, "a") as out:
    for _ in range(scrapes):
        time.sleep(1.2)
        took = timed(lambda: get(f"http://127.0.0.1:{serve}/metrics"))
        out.write(json.dumps({"case": case, "tool": "cachescope", "value": took, "unit": "ms"}) + "\n")
        if exporter:
            tool = f"redis_exporter, {len(ports)} /scrape at once (Redis only)"
            out.write(json.dumps({"case": case, "tool": tool, "value": timed(everyRedis), "unit": "ms"}) + "\n")

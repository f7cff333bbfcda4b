#!/usr/bin/env bash
# `cachescope serve` on 3 backends this script starts (a Redis server, a memcached server, a 2-server memcached
# pool):
#   1. one scrape: SCRAPES scrapes of /metrics (default 30), each a fresh reading of every backend (the refresh
#      interval is 200 ms and the scrapes are 300 ms apart), timed by the client; the median (target ≤ 20 ms).
#      Beside it, the same number of scrapes of redis_exporter on the Redis server alone (what a team runs
#      today, one exporter per server);
#   2. the idle cost: serve for IDLE_SECONDS (60) with the default refresh (1 s) and a scrape every 15 s, as
#      Prometheus does: CPU (target ≤ 1% of a core) and resident memory, from /proc.
# Prints a Markdown table and writes bench-results.json ("serve"). Installs what it needs (apt: redis-server,
# memcached, prometheus-redis-exporter). Usage: scripts/bench-serve.sh   (SCRAPES=5 IDLE_SECONDS=5 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-serve.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-1}
SCRAPES=${SCRAPES:-30}
IDLE_SECONDS=${IDLE_SECONDS:-60}

bench_needs redis-server=redis-server memcached=memcached prometheus-redis-exporter=prometheus-redis-exporter

servers_init
bench_build cachescope
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; servers_cleanup' EXIT

start_three_backends
"$PY" - "$url" >/dev/null <<'PY'
import socket, sys
port = int(sys.argv[1].rsplit(":", 1)[1])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"".join(b"SET bench:%d v\r\n" % n for n in range(1000)))
PY

# scrape_times URL COUNT PAUSE — prints each scrape's milliseconds, one per line.
scrape_times() {
    "$PY" - "$1" "$2" "$3" <<'PY'
import sys, time, urllib.request
url, count, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for attempt in range(200):
    try:
        urllib.request.urlopen(url).read()
        break
    except Exception:
        time.sleep(0.1)
for _ in range(count):
    time.sleep(pause)
    started = time.perf_counter()
    body = urllib.request.urlopen(url).read()
    print((time.perf_counter() - started) * 1000)
    assert b"_up" in body
PY
}
median() { "$PY" -c 'import statistics,sys; print(statistics.median(float(l) for l in sys.stdin if l.strip()))'; }

# 1. One scrape.
port=$(spare_port)
"$bin/cachescope" serve --redis "$url" --memcached "$m1" --memcached "$pool" --listen "127.0.0.1:$port" --refresh 200ms 2>/dev/null &
pids+=($!)
exporter_port=$(spare_port)
prometheus-redis-exporter --redis.addr="$url" --web.listen-address="127.0.0.1:$exporter_port" >/dev/null 2>&1 &
pids+=($!)
for rep in $(seq "$REPS"); do
    say "scrapes, repetition $rep/$REPS"
    record scrape-3-backends cachescope "$(scrape_times "http://127.0.0.1:$port/metrics" "$SCRAPES" 0.3 | median)" ms
    record scrape-3-backends "redis_exporter (the Redis server only)" "$(scrape_times "http://127.0.0.1:$exporter_port/metrics" "$SCRAPES" 0.3 | median)" ms
done
kill "${pids[0]}" 2>/dev/null || true

# 2. Idle cost with a scrape every 15 s.
say "serve on 3 backends for ${IDLE_SECONDS}s, scraped every 15 s"
port=$(spare_port)
"$bin/cachescope" serve --redis "$url" --memcached "$m1" --memcached "$pool" --listen "127.0.0.1:$port" 2>/dev/null &
serve_pid=$!
pids+=($serve_pid)
scrape_times "http://127.0.0.1:$port/metrics" 1 0 >/dev/null
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
before=$(ticks)
"$PY" -c "
import time, urllib.request, sys
end = time.time() + $IDLE_SECONDS
while time.time() < end:
    urllib.request.urlopen('http://127.0.0.1:$port/metrics').read()
    time.sleep(min(15, max(0, end - time.time())))
"
after=$(ticks)
hz=$(getconf CLK_TCK)
record serve-idle-3-backends-cpu cachescope "$("$PY" -c "print(($after - $before) / $hz / $IDLE_SECONDS * 100)")" "% of a core"
record serve-idle-3-backends-rss cachescope "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$serve_pid/status")" MB

"$PY" scripts/lib/bench_report.py "$results" serve
say "wrote bench-results.json"

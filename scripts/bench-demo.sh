#!/usr/bin/env bash
# The demo app's cached route under load, with wrk (-t2 -c32), side by side in one run:
#   cachescope /        — the tutorial's cached hello (CachedResponseMiddleware on SimpleCache, every
#                         request a hit after the first), release build, `cachescope demo --rate 0`;
#   cachescope /static  — an uncached route of the same app (target: the cached route ≥ 90% of it);
#   flask /             — the same cached hello in Flask + Flask-Caching (SimpleCache) under gunicorn -w 2
#                         (target: cachescope ≥ 5×, goal 10×).
# The three alternate, REPS times, DURATION seconds each after a warm-up. Prints a Markdown table and writes
# bench-results.json ("demo"). Installs what it needs (apt: wrk; PyPI: flask, flask-caching, gunicorn).
# Usage: scripts/bench-demo.sh   (REPS=1 DURATION=3 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-demo.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
DURATION=${DURATION:-10}

command -v wrk >/dev/null 2>&1 || apt_install wrk
bench_python flask flask-caching gunicorn

servers_init
bench_build cachescope

# The demo app alone (no traffic generator), on a free port it reports on its first line.
"$bin/cachescope" demo --port 0 --rate 0 >"$workdir/demo.out" 2>&1 &
started_pids+=($!)
for _ in $(seq 100); do grep -q "demo app on" "$workdir/demo.out" && break; sleep 0.1; done
ours=$(sed -n 's/^demo app on \(http:[^ ]*\).*/\1/p' "$workdir/demo.out")
[ -n "$ours" ] || { cat "$workdir/demo.out" >&2; echo "the demo app did not start" >&2; exit 1; }

# gunicorn on a spare port; a port taken meanwhile (its bind fails and it exits) means another port.
flask=""
for _ in 1 2 3 4 5; do
    flask_port=$(spare_port)
    "$PY" -m gunicorn -w 2 -b "127.0.0.1:$flask_port" --chdir scripts/bench --log-level warning flask_tutorial_app:app \
        >>"$workdir/gunicorn.log" 2>&1 &
    gunicorn_pid=$!
    started_pids+=("$gunicorn_pid")
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$flask_port/" >/dev/null 2>&1 && { flask="http://127.0.0.1:$flask_port"; break; }
        kill -0 "$gunicorn_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$flask" ] && break
    kill "$gunicorn_pid" 2>/dev/null || true
done
[ -n "$flask" ] || { tail -5 "$workdir/gunicorn.log" >&2; echo "gunicorn did not start" >&2; exit 1; }

# Fill both caches, check the cached route answers from the cache, then warm up each target.
curl -sf "$ours/" >/dev/null
curl -sf -D - -o /dev/null "$ours/" | grep -qi '^x-cache: HIT' || { echo "the demo's / is not served from its cache" >&2; exit 1; }
for target in "$ours/static" "$ours/" "$flask/"; do wrk -t2 -c32 -d2s "$target" >/dev/null; done

rate_of() { wrk -t2 -c32 -d"${DURATION}s" "$1" | awk '/^Requests\/sec:/ {print $2}'; }
for rep in $(seq "$REPS"); do
    say "wrk -t2 -c32 -d${DURATION}s, repetition $rep/$REPS"
    record cached-route-hits cachescope "$(rate_of "$ours/")" "req/s"
    record uncached-static-route cachescope "$(rate_of "$ours/static")" "req/s"
    record cached-route-hits flask-caching+gunicorn-w2 "$(rate_of "$flask/")" "req/s"
done

"$PY" scripts/lib/bench_report.py "$results" demo \
    --ratio "cached route / uncached static route (target ≥ 0.9)" cached-route-hits cachescope cachescope@uncached-static-route \
    --ratio "cachescope / Flask-Caching + gunicorn -w 2 (target ≥ 5, goal 10)" cached-route-hits cachescope flask-caching+gunicorn-w2
say "wrote bench-results.json"

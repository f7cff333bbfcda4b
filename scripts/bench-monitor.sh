#!/usr/bin/env bash
# Monitor-engine benchmarks on servers this script starts:
#   1. the key browser on a 1,000,000-key Redis: time to the first page and to a full 10,000-key window,
#      and the peak memory (bounded by the window, not the keyspace);
#   2. the poller watching 3 backends (Redis, memcached, a 2-server memcached pool) at 1 s for 60 s: CPU
#      used (target: an htop-class monitor, ≤ 1% of a core) and peak memory.
# Prints a Markdown table and writes bench-results.json ("monitor"). Installs what it needs (apt:
# redis-server, memcached). Usage: scripts/bench-monitor.sh   (REPS=3 POLL_SECONDS=20 … for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-monitor.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
POLL_SECONDS=${POLL_SECONDS:-60}
KEYS=${KEYS:-1000000}

bench_needs redis-server=redis-server memcached=memcached

servers_init
bench_build cachescope-bench

start_three_backends

say "filling $url with $KEYS keys"
"$bench" populate --url "$url" --total "$KEYS" --prefixed 0

field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
for rep in $(seq "$REPS"); do
    say "key browser, repetition $rep/$REPS"
    out=$("$bench" browse-first-page --url "$url")
    record "browser-first-page-of-$(size_label "$KEYS")" cachescope "$(echo "$out" | field firstPageSeconds)"
    record "browser-10k-window-of-$(size_label "$KEYS")" cachescope "$(echo "$out" | field windowSeconds)"
    record browser-peak-memory cachescope "$(echo "$out" | field peakMB)" MB
done

say "poller on 3 backends for ${POLL_SECONDS}s"
out=$("$bench" poller-cost --redis "$url" --memcached "$m1" --memcached "$pool" --seconds "$POLL_SECONDS")
record poller-3-backends-cpu cachescope "$(echo "$out" | field cpuPercent)" "% of a core"
record poller-3-backends-peak-memory cachescope "$(echo "$out" | field peakMB)" MB

"$PY" scripts/lib/bench_report.py "$results" monitor
say "wrote bench-results.json"

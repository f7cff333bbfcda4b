#!/usr/bin/env bash
# Dashboard benchmarks on servers this script starts:
#   1. idle cost: the real `cachescope` (release) in a 120×40 tmux terminal watching 3 backends (Redis,
#      memcached, a 2-server memcached pool) for IDLE_SECONDS (60): CPU used (target ≤ 1% of a core) and
#      resident memory (target ≤ 40 MB), read from /proc;
#   2. the key browser on a 1,000,000-key Redis, as the dashboard runs it: Enter → first page drawn
#      (target ≤ 1 s), and the full 10,000-key window loaded, sorted and drawn;
#   3. one frame at 200×60: drawing the overview (3 backends, 300-sample histories) and the key browser
#      (10,000 keys) into the canvas, and drawing + presenting through ncurses in tmux (target ≤ 2 ms).
# Prints a Markdown table and writes bench-results.json ("dashboard"). Installs what it needs (apt:
# redis-server, memcached, tmux). Usage: scripts/bench-dashboard.sh   (REPS=1 IDLE_SECONDS=10 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-dashboard.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
IDLE_SECONDS=${IDLE_SECONDS:-60}
KEYS=${KEYS:-1000000}

bench_needs redis-server=redis-server memcached=memcached tmux=tmux

servers_init
bench_build cachescope cachescope-bench
session="cachescope-bench-$$"
cleanup_tmux() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap 'cleanup_tmux; servers_cleanup' EXIT

start_three_backends

# 1. Idle cost of the real dashboard.
say "dashboard on 3 backends in tmux for ${IDLE_SECONDS}s"
pidfile="$workdir/dashboard.pid"
tmux new-session -d -s "$session" -x 120 -y 40 \
    "env TERM=xterm-256color LANG=C.UTF-8 sh -c 'echo \$\$ > $pidfile; exec $bin/cachescope --redis $url --memcached $m1 --memcached $pool'"
for _ in $(seq 100); do
    tmux capture-pane -p -t "$session" | grep -q "3/3 up" && break
    sleep 0.1
done
tmux capture-pane -p -t "$session" | grep -q "3/3 up" || { tmux capture-pane -p -t "$session" >&2; echo "the dashboard did not show 3/3 up" >&2; exit 1; }
pid=$(cat "$pidfile")
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(ticks)
sleep "$IDLE_SECONDS"
after=$(ticks)
hz=$(getconf CLK_TCK)
record dashboard-idle-3-backends-cpu cachescope "$("$PY" -c "print(($after - $before) / $hz / $IDLE_SECONDS * 100)")" "% of a core"
record dashboard-idle-3-backends-rss cachescope "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")" MB
record dashboard-idle-3-backends-peak-rss cachescope "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status")" MB
tmux send-keys -t "$session" q
sleep 0.5
cleanup_tmux

# 2. The key browser on a big keyspace.
say "filling $url with $KEYS keys"
"$bin/cachescope-bench" populate --url "$url" --total "$KEYS" --prefixed 0
field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
for rep in $(seq "$REPS"); do
    say "dashboard key browser, repetition $rep/$REPS"
    out=$("$bin/cachescope-bench" dashboard-first-page --url "$url")
    record "dashboard-first-page-of-$(size_label "$KEYS")" cachescope "$(echo "$out" | field firstPageSeconds)"
    record "dashboard-10k-window-of-$(size_label "$KEYS")" cachescope "$(echo "$out" | field windowSeconds)"
    record dashboard-browser-peak-memory cachescope "$(echo "$out" | field peakMB)" MB
done

# 3. Frames at 200×60.
for rep in $(seq "$REPS"); do
    say "frames at 200x60, repetition $rep/$REPS"
    out="$workdir/render.json"
    rm -f "$out"
    tmux new-session -d -s "$session" -x 200 -y 60 "env TERM=xterm-256color LANG=C.UTF-8 $bin/cachescope-bench dashboard-render --terminal --output $out"
    for _ in $(seq 600); do [ -s "$out" ] && break; sleep 0.1; done
    cleanup_tmux
    record frame-200x60-overview-draw cachescope "$(field overviewMs <"$out")" ms
    record frame-200x60-keys-draw cachescope "$(field keysMs <"$out")" ms
    record frame-200x60-draw-and-present cachescope "$(field renderAndPresentMs <"$out")" ms
done

"$PY" scripts/lib/bench_report.py "$results" dashboard
say "wrote bench-results.json"

#!/usr/bin/env bash
# Server health on a redis-server this script starts with CLIENTS idle client connections (default 1,000) and
# a full slow log (128 entries):
#   1. what one reading costs: `cachescope-bench health-read` (every view in one pipeline: SLOWLOG GET 128,
#      INFO, CLIENT LIST, CONFIG GET, LATENCY LATEST, MEMORY DOCTOR) against redis-cli sending the same
#      commands one after another (what a user checking by hand would run). Target: a reading ≤ 50 ms. Each
#      tool runs REPS times (default 5; our tool reads ROUNDS times per run and reports its median);
#   2. the idle dashboard with the Health screen open on that server's clients tab (read fully every second)
#      in a 120×40 tmux terminal for IDLE_SECONDS (60): CPU (target ≤ 1% of a core) and resident memory,
#      from /proc.
# Prints a Markdown table and writes bench-results.json ("health"). Installs what it needs (apt:
# redis-server, redis-tools, tmux).
# Usage: scripts/bench-health.sh   (CLIENTS=100 REPS=1 IDLE_SECONDS=10 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-health.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
CLIENTS=${CLIENTS:-1000}
IDLE_SECONDS=${IDLE_SECONDS:-60}

bench_needs redis-server=redis-server redis-cli=redis-tools tmux=tmux

servers_init
bench_build cachescope cachescope-bench

start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
url="redis://127.0.0.1:$port"
redis-cli -p "$port" config set maxclients $((CLIENTS + 100)) >/dev/null
# A full slow log: every command logged, 128 kept.
redis-cli -p "$port" config set slowlog-max-len 128 >/dev/null
redis-cli -p "$port" config set slowlog-log-slower-than 0 >/dev/null
for n in $(seq 200); do echo "SET bench:$n $n"; done | redis-cli -p "$port" >/dev/null
redis-cli -p "$port" config set slowlog-log-slower-than 10000000 >/dev/null
# CLIENTS idle connections, each named, held open while we measure.
cat >"$workdir/hold_clients.py" <<'PY'
import socket, sys, time
port, count, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
held = []
for n in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"CLIENT SETNAME idle-%d\r\n" % n)
    s.recv(64)
    held.append(s)
open(ready, "w").write("ok")
time.sleep(3600)
PY
python3 "$workdir/hold_clients.py" "$port" "$CLIENTS" "$workdir/ready" &
holder=$!
session="cachescope-bench-health-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; kill $holder 2>/dev/null || true; servers_cleanup' EXIT
for _ in $(seq 600); do [ -f "$workdir/ready" ] && break; sleep 0.1; done
[ -f "$workdir/ready" ] || { say "the idle clients did not connect"; exit 1; }
say "redis-server on 127.0.0.1:$port with $CLIENTS idle clients and $(redis-cli -p "$port" slowlog len) slow-log entries"

by_hand() {
    redis-cli -p "$port" slowlog get 128 >/dev/null
    redis-cli -p "$port" info commandstats >/dev/null
    redis-cli -p "$port" info latencystats >/dev/null
    redis-cli -p "$port" info memory >/dev/null
    redis-cli -p "$port" info replication >/dev/null
    redis-cli -p "$port" info persistence >/dev/null
    redis-cli -p "$port" client list >/dev/null
    redis-cli -p "$port" latency latest >/dev/null
    redis-cli -p "$port" memory doctor >/dev/null
}
export -f by_hand
export port
for rep in $(seq "$REPS"); do
    say "repetition $rep/$REPS"
    "$bench" health-read --url "$url" --rounds "${ROUNDS_HEALTH:-20}" >"$workdir/health.json"
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["clients"] >= int(sys.argv[2]) and d["slowLogEntries"] == 128, d' \
        "$workdir/health.json" "$CLIENTS"
    record "health-read-$CLIENTS-clients" cachescope "$("$PY" -c "import json; print(json.load(open('$workdir/health.json'))['medianMs'])")" ms
    record "health-read-$CLIENTS-clients" "redis-cli by hand" "$("$PY" -c 'import sys,time,subprocess; t=time.perf_counter(); subprocess.run(["bash","-c","by_hand"], check=True); print((time.perf_counter()-t)*1000)')" ms
done

# 2. The idle dashboard with Health open on the clients tab.
say "dashboard with Health open (clients tab) on $CLIENTS clients for ${IDLE_SECONDS}s"
pidfile="$workdir/dashboard.pid"
tmux new-session -d -s "$session" -x 120 -y 40 \
    "env TERM=xterm-256color LANG=C.UTF-8 sh -c 'echo \$\$ > $pidfile; exec $bin/cachescope --redis $url'"
wait_screen() {
    for _ in $(seq 150); do
        tmux capture-pane -p -t "$session" | grep -q "$1" && return 0
        sleep 0.1
    done
    tmux capture-pane -p -t "$session" >&2
    say "the dashboard did not show: $1"
    exit 1
}
wait_screen "1/1 up"
tmux send-keys -t "$session" h
wait_screen "health › slow log"
tmux send-keys -t "$session" ']' ']' ']'
wait_screen "idle-"
pid=$(cat "$pidfile")
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(ticks)
sleep "$IDLE_SECONDS"
after=$(ticks)
hz=$(getconf CLK_TCK)
tmux capture-pane -p -t "$session" | grep -q "health › clients" || { say "the health screen was left"; exit 1; }
record dashboard-idle-health-open-cpu cachescope "$("$PY" -c "print(($after - $before) / $hz / $IDLE_SECONDS * 100)")" "% of a core"
record dashboard-idle-health-open-rss cachescope "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")" MB
tmux send-keys -t "$session" q
sleep 0.5

"$PY" scripts/lib/bench_report.py "$results" health \
    --ratio "health reading: redis-cli by hand time / cachescope time" "health-read-$CLIENTS-clients" "redis-cli by hand" cachescope
say "wrote bench-results.json"

#!/usr/bin/env bash
# Server health: what one reading costs, on a redis-server this script starts with CLIENTS idle client
# connections (default 1,000) and a full slow log (128 entries): `cachescope-bench health-read` (every view
# in one pipeline: SLOWLOG GET 128, INFO, CLIENT LIST, CONFIG GET, LATENCY LATEST, MEMORY DOCTOR) against
# redis-cli sending the same commands one after another (what a user checking by hand would run). Target: a
# reading ≤ 50 ms. Each tool runs REPS times (default 5; our tool reads ROUNDS times per run and reports its
# median). Prints a Markdown table and writes bench-results.json ("health"). Installs what it needs (apt:
# redis-server, redis-tools).
# Usage: scripts/bench-health.sh   (CLIENTS=100 REPS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-health.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
CLIENTS=${CLIENTS:-1000}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

servers_init
say "building cachescope-bench ($CONFIGURATION)"
run swift build -c "$CONFIGURATION" --product cachescope-bench
bench=$(swift build -c "$CONFIGURATION" --show-bin-path)/cachescope-bench
results="$workdir/results.jsonl"
: >"$results"

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
trap 'kill $holder 2>/dev/null || true; servers_cleanup' EXIT
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

"$PY" scripts/lib/bench_report.py "$results" health \
    --ratio "health reading: redis-cli by hand time / cachescope time" "health-read-$CLIENTS-clients" "redis-cli by hand" cachescope
say "wrote bench-results.json"

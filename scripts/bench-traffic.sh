#!/usr/bin/env bash
# Traffic-sample stream parsing, side by side with what a user scripting it would run, on streams recorded
# from servers this script starts:
#   1. Redis: `redis-cli monitor` recorded while redis-benchmark sends GET and SET on up to 1,000,000 random
#      keys (-r); replayed through cachescope's live path (RESP framing, the RESP parser, MONITOR line
#      parsing, per-prefix and per-key counting) vs redis-py's own MONITOR line parser (redis.client.Monitor's
#      regular expressions) counting per prefix in a dict.
#   2. memcached: `watch fetchers mutations` recorded while cachescope-bench stores and multi-gets items;
#      replayed through cachescope's path (line parsing, store/lookup pairing, counting) vs a Python parser of
#      the same lines.
# Also the memory counting holds after a stream (groups and watched keys, bounded however many distinct keys
# pass; target < 50 MB). Targets: ≥ 300,000 lines/s for both streams. Each replay runs REPS times (default 5);
# medians and spreads. Prints a Markdown table and writes bench-results.json ("traffic"). Installs what it
# needs (apt: redis-server, redis-tools, memcached; PyPI: redis into the benchmark environment).
# Usage: scripts/bench-traffic.sh   (REQUESTS=100000 REPS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-traffic.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
REQUESTS=${REQUESTS:-500000}

bench_needs redis-server=redis-server redis-cli=redis-tools redis-benchmark=redis-tools memcached=memcached
bench_python redis

servers_init
bench_build cachescope-bench

# --- 1. a recorded MONITOR stream -------------------------------------------------------------------
start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
say "recording MONITOR on 127.0.0.1:$port while redis-benchmark sends $REQUESTS GET and $REQUESTS SET"
redis-cli -p "$port" monitor >"$workdir/monitor.txt" &
monitor_pid=$!
sleep 0.5
redis-benchmark -p "$port" -q -t set,get -r 1000000 -n "$REQUESTS" -P 16 >/dev/null
sleep 1
kill "$monitor_pid" 2>/dev/null || true
wait "$monitor_pid" 2>/dev/null || true
monitor_lines=$(wc -l <"$workdir/monitor.txt")
say "recorded $monitor_lines MONITOR lines"

# --- 2. a recorded watch stream ---------------------------------------------------------------------
start_memcached -m 256 >"$workdir/memcached.port"
mport=$(cat "$workdir/memcached.port")
cat >"$workdir/record_watch.py" <<'PY'
import socket, sys, time
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
sock.sendall(b"watch fetchers mutations\r\n")
out = open(sys.argv[2], "wb")
sock.settimeout(float(sys.argv[3]))
try:
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        out.write(chunk)
except socket.timeout:
    pass
PY
say "recording watch on 127.0.0.1:$mport while items are stored and multi-got"
"$PY" "$workdir/record_watch.py" "$mport" "$workdir/watch.txt" 3 &
watch_pid=$!
sleep 0.5
items=$((REQUESTS / 5))
"$bench" memcached-populate --server "127.0.0.1:$mport" --total "$items" --prefix item: >/dev/null
"$bench" memcached-multiget --server "127.0.0.1:$mport" --keys 100 --prefix item: --rounds $((REQUESTS / 100)) >/dev/null
wait "$watch_pid" || true
watch_lines=$(wc -l <"$workdir/watch.txt")
say "recorded $watch_lines watch lines ($(grep -c '^skipped=' "$workdir/watch.txt" || true) skipped= lines)"

# --- the peers: parsing the same lines in Python --------------------------------------------------------
cat >"$workdir/peer_monitor.py" <<'PY'
import sys, time
from redis.client import Monitor
# redis-py's own MONITOR parser: the regular expressions Monitor.next_command applies to each line.
monitor_re, command_re = Monitor.monitor_re, Monitor.command_re
lines = open(sys.argv[1], "rb").read().decode("utf-8", "replace").splitlines()
if lines and lines[0] == "OK":
    lines = lines[1:]
started = time.perf_counter()
counts = {}
for line in lines:
    ts, rest = line.split(" ", 1)
    m = monitor_re.match(rest)
    if not m:
        continue
    db_id, client_info, command = m.groups()
    args = [a[1:-1].replace('\\"', '"').replace("\\\\", "\\") for a in command_re.findall(command)]
    if len(args) > 1 and args[0].upper() in ("GET", "SET"):
        prefix = args[1].split(":", 1)[0] + ":"
        entry = counts.setdefault(prefix, [0, 0])
        entry[0 if args[0].upper() == "GET" else 1] += 1
elapsed = time.perf_counter() - started
print(len(lines) / elapsed)
PY
cat >"$workdir/peer_watch.py" <<'PY'
import sys, time
from urllib.parse import unquote
lines = open(sys.argv[1], "rb").read().decode("utf-8", "replace").splitlines()
started = time.perf_counter()
counts, pending = {}, {}
for line in lines:
    if not line.startswith("ts="):
        continue
    fields = dict(part.split("=", 1) for part in line.split(" ") if "=" in part)
    key, cfd = unquote(fields.get("key", "")), fields.get("cfd")
    prefix = key.split(":", 1)[0] + ":"
    entry = counts.setdefault(prefix, [0, 0, 0])
    if fields.get("type") == "item_get":
        pending[cfd] = (prefix, fields.get("status") == "found")
    elif fields.get("type") == "item_store":
        pending.pop(cfd, None)
        entry[2] += 1
for prefix, found in pending.values():
    counts[prefix][0 if found else 1] += 1
elapsed = time.perf_counter() - started
print(len(lines) / elapsed)
PY

value_of() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])" "$1"; }
for rep in $(seq "$REPS"); do
    say "replaying the streams, repetition $rep/$REPS"
    "$bench" replay-stream --kind monitor --file "$workdir/monitor.txt" >"$workdir/monitor.json"
    record "monitor-stream-rate" cachescope "$(value_of linesPerSecond <"$workdir/monitor.json")" "lines/s"
    record "monitor-stream-counting-memory" cachescope "$("$PY" -c "print($(value_of countingBytes <"$workdir/monitor.json") / 1048576)")" MB
    record "monitor-stream-rate" "redis-py Monitor parser" "$("$PY" "$workdir/peer_monitor.py" "$workdir/monitor.txt")" "lines/s"
    "$bench" replay-stream --kind watch --file "$workdir/watch.txt" >"$workdir/watch.json"
    record "watch-stream-rate" cachescope "$(value_of linesPerSecond <"$workdir/watch.json")" "lines/s"
    record "watch-stream-counting-memory" cachescope "$("$PY" -c "print($(value_of countingBytes <"$workdir/watch.json") / 1048576)")" MB
    record "watch-stream-rate" "Python parser" "$("$PY" "$workdir/peer_watch.py" "$workdir/watch.txt")" "lines/s"
done
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["unreadable"] == 0 and d["events"] > 0, d' "$workdir/monitor.json"

# --- report -------------------------------------------------------------------------------------
"$PY" scripts/lib/bench_report.py "$results" traffic \
    --ratio "MONITOR stream: cachescope lines/s / redis-py Monitor parser lines/s" "monitor-stream-rate" cachescope "redis-py Monitor parser" \
    --ratio "watch stream: cachescope lines/s / Python parser lines/s" "watch-stream-rate" cachescope "Python parser"
say "wrote bench-results.json"

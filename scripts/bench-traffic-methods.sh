#!/usr/bin/env bash
# The traffic sample's per-prefix figures by each method of the chain, against the workload's own count:
#   monitor+keymiss           a server that allows everything (the sample turns key-miss events on, --yes)
#   monitor+keymiss-existing  CONFIG renamed away, key-miss events on in the server's configuration
#   monitor                   CONFIG renamed away, key-miss events off (hit ratio unknown)
#   tracking                  MONITOR and CONFIG renamed away (CLIENT TRACKING BCAST: changes, no reads)
# Each server is started here; a Python workload (redis-py, pipelines of 100) reads and writes a known number
# of keys per prefix while `cachescope traffic --json` listens; side by side, `redis-cli monitor` counted per
# prefix — what a user would run — where MONITOR is allowed. Targets: reads and writes per prefix within ±3 %
# by the monitor methods, writes per prefix within ±3 % by tracking, hit ratios within 3 points where known.
# Each method runs REPS times (default 3). Prints a Markdown table and writes bench-results.json
# ("traffic-methods"). Installs what it needs (apt: redis-server, redis-tools; PyPI: redis).
# Usage: scripts/bench-traffic-methods.sh   (METHOD_ROUNDS=2 REPS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-traffic-methods.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-3}
METHOD_ROUNDS=${METHOD_ROUNDS:-50}

bench_needs redis-server=redis-server redis-cli=redis-tools
bench_python redis

servers_init
bench_build cachescope

# The workload: per round, for each prefix, its writes (distinct keys: a key tracking names twice within one
# server turn would be told once) and its reads (half of them of keys never written: misses). Prints the
# expected per-prefix counts as JSON.
cat >"$workdir/workload.py" <<'PY'
import json, sys, redis
port, rounds = int(sys.argv[1]), int(sys.argv[2])
r = redis.Redis(port=port, client_name="workload")
plan = {"user:": (300, 600), "session:": (120, 900), "feed:": (60, 0), "report:": (20, 200)}
expected = {p: {"reads": 0, "writes": 0, "misses": 0} for p in plan}
for round in range(rounds):
    for prefix, (writes, reads) in plan.items():
        pipe = r.pipeline(transaction=False)
        for i in range(writes):
            pipe.set(f"{prefix}{round}:{i}", "v")
            if len(pipe) == 100:
                pipe.execute()
        pipe.execute()
        expected[prefix]["writes"] += writes
        for i in range(reads):
            # Every other read misses (a key never written).
            pipe.get(f"{prefix}{round}:{i % max(writes, 1)}" if i % 2 == 0 and writes else f"{prefix}missing:{round}:{i}")
            if len(pipe) == 100:
                pipe.execute()
        pipe.execute()
        expected[prefix]["reads"] += reads
        expected[prefix]["misses"] += reads // 2 if writes else reads
print(json.dumps(expected))
PY

# Per-prefix counts from a `redis-cli monitor` recording (the peer).
cat >"$workdir/count_monitor.py" <<'PY'
import json, re, sys
counts = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r'^[0-9.]+ \[\d+ [^\]]+\] "(\w+)" "([^"]*)"', line)
    if not m:
        continue
    command, key = m.group(1).upper(), m.group(2)
    if command not in ("GET", "SET"):
        continue
    prefix = key.split(":", 1)[0] + ":"
    entry = counts.setdefault(prefix, {"reads": 0, "writes": 0})
    entry["reads" if command == "GET" else "writes"] += 1
print(json.dumps(counts))
PY

# Compares measured per-prefix figures with the expected ones; prints the worst relative errors (%) as JSON.
cat >"$workdir/compare.py" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
measured = json.load(open(sys.argv[2]))
kind = sys.argv[3]
groups = {}
if kind == "cachescope":
    groups = {g["prefix"]: g for g in measured["prefixes"] if g["depth"] == 1}
else:
    groups = measured
out = {"reads": None, "writes": None, "hitRatio": None, "method": measured.get("method") if kind == "cachescope" else "monitor"}
def worst(field):
    errors = []
    for prefix, want in expected.items():
        if want[field] == 0:
            continue
        got = (groups.get(prefix) or {}).get(field)
        if got is None:
            return None
        errors.append(abs(got - want[field]) / want[field] * 100)
    return max(errors) if errors else None
out["reads"], out["writes"] = worst("reads"), worst("writes")
if kind == "cachescope":
    points = []
    for prefix, want in expected.items():
        ratio = (groups.get(prefix) or {}).get("hitRatio")
        if want["reads"] and ratio is not None:
            points.append(abs(ratio - (want["reads"] - want["misses"]) / want["reads"]) * 100)
    out["hitRatio"] = max(points) if points else None
print(json.dumps(out))
PY

# start_method NAME EXTRA-ARGS… — a server for one method; prints its port.
start_method() {
    local name=$1
    shift
    start_server "$name" 'PING\r\n' '+PONG' redis-server --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$workdir/$name.pid" --logfile "$workdir/$name.log" --dir "$workdir" "$@"
}

value_of() { "$PY" -c "import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print('null' if v is None else v)" "$1" "$2"; }
duration=$((METHOD_ROUNDS / 2 + 8))
for method in monitor+keymiss monitor+keymiss-existing monitor tracking; do
    case $method in
        monitor+keymiss) arguments=() ;;
        monitor+keymiss-existing) arguments=(--rename-command CONFIG "" --notify-keyspace-events Em) ;;
        monitor) arguments=(--rename-command CONFIG "") ;;
        tracking) arguments=(--rename-command CONFIG "" --rename-command MONITOR "") ;;
    esac
    for rep in $(seq "$REPS"); do
        name="method-${method//+/-}-$rep"
        start_method "$name" "${arguments[@]}" >"$workdir/$name.port"
        port=$(cat "$workdir/$name.port")
        say "$method (repetition $rep/$REPS) on 127.0.0.1:$port"
        "$cachescope" traffic --redis "redis://127.0.0.1:$port" --duration "${duration}s" --yes --json --depth 1 >"$workdir/$name.json" 2>"$workdir/$name.err" &
        sample_pid=$!
        peer_pid=""
        if [ "$method" != tracking ]; then
            redis-cli -p "$port" monitor >"$workdir/$name.monitor" &
            peer_pid=$!
        fi
        # The workload starts once the sample listens (its connections are named cachescope-traffic).
        for _ in $(seq 200); do
            redis-cli -p "$port" client list 2>/dev/null | grep -q 'name=cachescope-traffic' && break
            sleep 0.1
        done
        sleep 1
        "$PY" "$workdir/workload.py" "$port" "$METHOD_ROUNDS" >"$workdir/$name.expected"
        sleep 1
        [ -n "$peer_pid" ] && { kill "$peer_pid" 2>/dev/null || true; wait "$peer_pid" 2>/dev/null || true; }
        wait "$sample_pid" || { cat "$workdir/$name.err" >&2; exit 1; }
        "$PY" "$workdir/compare.py" "$workdir/$name.expected" "$workdir/$name.json" cachescope >"$workdir/$name.errors"
        [ "$(value_of "$workdir/$name.errors" method)" = "$method" ] || { say "expected method $method, got $(value_of "$workdir/$name.errors" method)"; exit 1; }
        for field in reads writes hitRatio; do
            value=$(value_of "$workdir/$name.errors" "$field")
            [ "$value" = null ] || record "$method-$field-worst-error" cachescope "$value" "%"
        done
        if [ -n "$peer_pid" ]; then
            "$PY" "$workdir/count_monitor.py" "$workdir/$name.monitor" >"$workdir/$name.peer"
            "$PY" "$workdir/compare.py" "$workdir/$name.expected" "$workdir/$name.peer" peer >"$workdir/$name.peer-errors"
            for field in reads writes; do
                record "$method-$field-worst-error" "redis-cli monitor" "$(value_of "$workdir/$name.peer-errors" "$field")" "%"
            done
        fi
        kill "$(cat "$workdir/$name.pid")" 2>/dev/null || true
    done
done

"$PY" scripts/lib/bench_report.py "$results" traffic-methods
say "wrote bench-results.json"

#!/usr/bin/env bash
# Redis benchmarks, side by side with the tools people use today, on a redis-server this script starts:
#   1. pipelined SET and GET through one connection, 16 commands per round trip:
#      cachescope-bench pipeline  vs  redis-benchmark -c 1 -P 16
#   2. deleting the 200,000 keys under "p:" out of 1,000,000: the whole `cachescope invalidate --prefix p:
#      --yes` process, start to exit (server-side script batches)  vs  redis-py scan_iter(count=1000) +
#      UNLINK per 1,000  vs  redis-cli --scan --pattern 'p:*' | xargs -n 1000 redis-cli unlink; beside ours,
#      the server's own time for the work (INFO commandstats) and the p99 of another client's PING.
#   3. `cachescope keys` on 1,000,000 keys: time to the first 100 (--limit 100), and the peak memory of
#      listing all of them as JSON (it streams, so memory should stay flat).
# Each comparison alternates the tools, REPS times (default 5), and reports medians and the spread.
# Prints a Markdown table and writes bench-results.json. Installs what it needs (apt: redis-server,
# redis-tools; PyPI: redis into the benchmark environment). Usage: scripts/bench-redis.sh   (REPS=3 scripts/bench-redis.sh for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-redis.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
PIPELINE_REQUESTS=${PIPELINE_REQUESTS:-1000000}
KEYS=${KEYS:-1000000}
PREFIXED=$((KEYS / 5))
size="$(size_label "$PREFIXED")-of-$(size_label "$KEYS")"

bench_needs redis-server=redis-server redis-benchmark=redis-tools /usr/bin/time=time
bench_python redis

servers_init
bench_build cachescope-bench cachescope

start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
url="redis://127.0.0.1:$port"
say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"


# --- 1. pipelined throughput ------------------------------------------------------------------
for command in SET GET; do
    for rep in $(seq "$REPS"); do
        say "$command pipeline, repetition $rep/$REPS"
        ours=$("$bench" pipeline --url "$url" --command "$command" --requests "$PIPELINE_REQUESTS" --depth 16 \
            | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["opsPerSecond"])')
        record "pipeline-$command" "cachescope" "$ours" ops/s
        lower=$(echo "$command" | tr 'A-Z' 'a-z')
        theirs=$(redis-benchmark -p "$port" -c 1 -P 16 -n "$PIPELINE_REQUESTS" -t "$lower" --csv \
            | "$PY" -c 'import csv,sys; rows=list(csv.reader(sys.stdin)); print(float(rows[-1][1]))')
        record "pipeline-$command" "redis-benchmark" "$theirs" ops/s
    done
done

# --- 2. prefix invalidation -------------------------------------------------------------------
populate() {
    redis-cli -p "$port" flushall >/dev/null
    "$bench" populate --url "$url" --total "$KEYS" --prefixed "$PREFIXED" --prefix p:
    local size
    size=$(redis-cli -p "$port" dbsize)
    [ "$size" -eq "$KEYS" ] || { say "populate made $size keys, not $KEYS"; exit 1; }
}

check_left() {
    local size
    size=$(redis-cli -p "$port" dbsize)
    [ "$size" -eq $((KEYS - PREFIXED)) ] || { say "$1 left $size keys, not $((KEYS - PREFIXED))"; exit 1; }
}


cat >"$workdir/redis_py.py" <<'PY'
import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
batch = []
for key in r.scan_iter(match="p:*", count=1000):
    batch.append(key)
    if len(batch) == 1000:
        r.unlink(*batch)
        batch = []
if batch:
    r.unlink(*batch)
PY

for rep in $(seq "$REPS"); do
    say "prefix invalidation, repetition $rep/$REPS"
    populate
    "$PY" scripts/lib/server_work.py reset "$port"
    start_pinger "$workdir/ping.ms" "$port"
    ours=$(timed_output "$workdir/invalidate.json" "$cachescope" invalidate --redis "$url" --prefix p: --yes --json)
    stop_pinger
    ping=$(cat "$workdir/ping.ms")
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["deleted"]==int(sys.argv[2]), d; print(d["method"])' \
        "$workdir/invalidate.json" "$PREFIXED" >"$workdir/method"
    server=$("$PY" scripts/lib/server_work.py read "$port" | head -1)
    check_left cachescope
    say "cachescope: $ours s (method $(cat "$workdir/method")), the server's own time $server s, PING p99 $ping ms"
    record "invalidate-$size" "cachescope" "$ours"
    record "invalidate-$size-server-time" "redis-server (for cachescope)" "$server"
    record "invalidate-$size-wall-over-server" "cachescope" "$("$PY" -c "print($ours / $server)")" ×
    record "invalidate-$size-concurrent-ping-p99" "cachescope" "$ping" ms

    populate
    theirs=$(seconds_of "$PY" "$workdir/redis_py.py" "$port")
    check_left redis-py
    record "invalidate-$size" "redis-py" "$theirs"
    best=$theirs

    populate
    theirs=$(seconds_of bash -c "redis-cli -p $port --scan --pattern 'p:*' | xargs -n 1000 redis-cli -p $port unlink")
    check_left redis-cli
    record "invalidate-$size" "redis-cli | xargs" "$theirs"
    best=$("$PY" -c "print(min($best, $theirs))")
    record "invalidate-$size-speedup-per-run" "cachescope" "$("$PY" -c "print($best / $ours)")" ×
done

# --- 3. keys on a big keyspace -------------------------------------------------------------------
populate
for rep in $(seq "$REPS"); do
    seconds=$(seconds_of "$cachescope" keys --redis "$url" --limit 100 --json)
    record "keys-first-100-of-$(size_label "$KEYS")" "cachescope" "$seconds"
done
peak=$(peak_mb_of "$workdir/keys.json" "$cachescope" keys --redis "$url" --limit "$KEYS" --json)
listed=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["keys"]))' "$workdir/keys.json")
[ "$listed" -eq "$KEYS" ] || { say "keys listed $listed keys, not $KEYS"; exit 1; }
record "keys-all-$(size_label "$KEYS")-peak-memory" "cachescope" "$peak" MB

# --- report -------------------------------------------------------------------------------------
"$PY" scripts/lib/bench_report.py "$results" redis \
    --ratio "pipeline-SET: cachescope / redis-benchmark (target ≥ 0.7)" pipeline-SET cachescope redis-benchmark \
    --ratio "pipeline-GET: cachescope / redis-benchmark (target ≥ 0.7)" pipeline-GET cachescope redis-benchmark \
    --ratio "prefix invalidation: best peer time / cachescope time (target ≥ 2)" "invalidate-$size" best-peer cachescope \
    --ratio "prefix invalidation: cachescope wall time / the server's own time (target ≤ 1.15)" "invalidate-$size" cachescope "redis-server (for cachescope)@invalidate-$size-server-time"
say "wrote bench-results.json"

#!/usr/bin/env bash
# Keyspace analysis benchmarks, side by side with the tools people use today, on servers this script starts:
#   1. a 1,000,000-key Redis holding a known mixture (four prefixes of different sizes, counts and TTLs, and
#      three big keys): `cachescope analyze` with its default sample (50,000 keys) and with --sample all,
#      vs `redis-cli --memkeys` and `redis-cli --bigkeys` on the same data. The accuracy of the sample
#      against the truth (every prefix with 5% of the keys or more within ±10% of its true count and of the
#      sum of `MEMORY USAGE key SAMPLES 0` of its keys), the p99 round trip of a `PING` sent every 10 ms by
#      another client during our run, and the peak memory of `--sample all`.
#   2. memcached with 1,000,000 items: `cachescope analyze --memcached` (every item, exact) vs the raw
#      `lru_crawler metadump all` read off the socket.
# Each comparison alternates the tools, REPS times (default 5), and reports medians and the spread.
# Prints a Markdown table and writes bench-results.json ("analyze"). Installs what it needs (apt:
# redis-server, redis-tools, memcached; PyPI: redis into the benchmark environment).
# Usage: scripts/bench-analyze.sh   (KEYS=20000 ITEMS=20000 REPS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-analyze.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
KEYS=${KEYS:-1000000}
ITEMS=${ITEMS:-1000000}
size=$(size_label "$KEYS")

bench_needs redis-server=redis-server redis-cli=redis-tools memcached=memcached /usr/bin/time=time
bench_python redis

servers_init
bench_build cachescope-bench cachescope

# --- 1. Redis -------------------------------------------------------------------------------------
start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
url="redis://127.0.0.1:$port"
say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port, filling $KEYS keys"
"$bench" populate-mixture --url "$url" --total "$KEYS"

# The truth: keys and MEMORY USAGE … SAMPLES 0 per top-level prefix, read once.
cat >"$workdir/truth.py" <<'PY'
import json, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
truth, cursor = {}, 0
while True:
    cursor, keys = r.scan(cursor=cursor, count=1000)
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("MEMORY", "USAGE", key, "SAMPLES", 0)
    for key, size in zip(keys, pipe.execute()):
        prefix = key.split(b":", 1)[0].decode() + ":"
        entry = truth.setdefault(prefix, [0, 0])
        entry[0] += 1
        entry[1] += size or 0
    if cursor == 0:
        break
json.dump(truth, open(sys.argv[2], "w"))
PY
"$PY" "$workdir/truth.py" "$port" "$workdir/truth.json"

# The accuracy of one sampled run: the largest relative error over the prefixes with ≥ 5% of the keys.
cat >"$workdir/accuracy.py" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
total = sum(keys for keys, _ in truth.values())
estimates = {p["prefix"]: p for p in report["prefixes"] if p["depth"] == 1}
worst = 0.0
for prefix, (keys, memory) in truth.items():
    if keys * 20 < total:
        continue
    found = estimates.get(prefix) or {"keys": 0, "memoryBytes": 0}
    worst = max(worst, abs(found["keys"] - keys) / keys, abs((found["memoryBytes"] or 0) - memory) / memory)
print(worst * 100)
PY

for rep in $(seq "$REPS"); do
    say "keyspace analysis of $KEYS keys, repetition $rep/$REPS"
    start_pinger "$workdir/ping.ms" "$port"
    record "analyze-$size" cachescope "$(seconds_of "$cachescope" analyze --redis "$url" --json)"
    stop_pinger
    record "analyze-$size-concurrent-ping-p99" cachescope "$(cat "$workdir/ping.ms")" ms
    "$cachescope" analyze --redis "$url" --json --depth 1 >"$workdir/sampled.json"
    record "analyze-$size-worst-error" cachescope "$("$PY" "$workdir/accuracy.py" "$workdir/truth.json" "$workdir/sampled.json")" "%"
    record "analyze-$size" "redis-cli --memkeys" "$(seconds_of redis-cli -p "$port" --memkeys)"
    record "analyze-$size" "redis-cli --bigkeys" "$(seconds_of redis-cli -p "$port" --bigkeys)"
    record "analyze-all-$size" cachescope "$(seconds_of "$cachescope" analyze --redis "$url" --sample all --json)"
done
peak=$(peak_mb_of "$workdir/all.json" "$cachescope" analyze --redis "$url" --sample all --json)
record "analyze-all-$size-peak-memory" cachescope "$peak" MB
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["totalKeys"]==d["sampledKeys"]==int(sys.argv[2])+3, d["totalKeys"]' \
    "$workdir/all.json" "$KEYS"

# --- 2. memcached ---------------------------------------------------------------------------------
start_memcached -m 1024 >"$workdir/big.port"
big=$(cat "$workdir/big.port")
say "filling 127.0.0.1:$big with $ITEMS items"
"$bench" memcached-populate --server "127.0.0.1:$big" --total "$ITEMS" --prefix item:
cat >"$workdir/raw_metadump.py" <<'PY'
import socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
sock.sendall(b"lru_crawler metadump all\r\n")
tail = b""
while True:
    chunk = sock.recv(1 << 16)
    if not chunk:
        sys.exit("connection closed before END")
    data = tail + chunk
    tail = data[-5:]
    if data.endswith(b"END\r\n"):
        break
PY
items=$(size_label "$ITEMS")
for rep in $(seq "$REPS"); do
    say "memcached analysis of $ITEMS items, repetition $rep/$REPS"
    record "analyze-memcached-$items" cachescope "$(seconds_of "$cachescope" analyze --memcached "127.0.0.1:$big" --json)"
    record "analyze-memcached-$items" "raw metadump" "$(seconds_of "$PY" "$workdir/raw_metadump.py" "$big")"
done

# --- report -------------------------------------------------------------------------------------
"$PY" scripts/lib/bench_report.py "$results" analyze \
    --ratio "keyspace analysis, default sample: redis-cli --memkeys time / cachescope time (target ≥ 10)" "analyze-$size" "redis-cli --memkeys" cachescope \
    --ratio "keyspace analysis, every key: redis-cli --memkeys time / cachescope --sample all time (target ≥ 4)" "analyze-$size" "redis-cli --memkeys" "cachescope@analyze-all-$size" \
    --ratio "memcached analysis: cachescope time / raw metadump time (target ≤ 1.5)" "analyze-memcached-$items" cachescope "raw metadump"
say "wrote bench-results.json"

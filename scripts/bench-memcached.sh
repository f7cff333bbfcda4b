#!/usr/bin/env bash
# memcached benchmarks, side by side with what people use today, on memcached servers this script starts:
#   1. multi-get of 100 keys through one connection (a hit for every key):
#      cachescope-bench memcached-multiget (one `get k1…k100` per round trip, and 16 in flight)
#      vs  pymemcache Client.get_many (one per round trip)
#   2. listing 1,000,000 items: `cachescope keys --memcached … --json` (lru_crawler metadump, decoded,
#      TTLs, de-duplicated, streamed as JSON) vs the raw `lru_crawler metadump all` read off the socket
#      to END; and the peak memory of the cachescope listing (it streams, so it should stay flat).
# Each comparison alternates the tools, REPS times (default 5), and reports medians and the spread.
# Prints a Markdown table and writes bench-results.json ("memcached"). Installs what it needs (apt:
# memcached; PyPI: pymemcache). Usage: scripts/bench-memcached.sh   (REPS=3 … for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-memcached.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
ROUNDS=${ROUNDS:-20000}
ITEMS=${ITEMS:-1000000}

bench_needs memcached=memcached /usr/bin/time=time
bench_python pymemcache

servers_init
bench_build cachescope-bench cachescope

# --- 1. multi-get ---------------------------------------------------------------------------------
start_memcached -m 64 >"$workdir/small.port"
small=$(cat "$workdir/small.port")
say "memcached $(memcached -V | cut -d' ' -f2) on 127.0.0.1:$small"
"$bench" memcached-populate --server "127.0.0.1:$small" --total 100 --prefix mg: --value-size 100

cat >"$workdir/pymemcache_multiget.py" <<'PY'
import json, sys, time
from pymemcache.client.base import Client
port, rounds = int(sys.argv[1]), int(sys.argv[2])
client = Client(("127.0.0.1", port), no_delay=True)
keys = [f"mg:{n}" for n in range(100)]
fetched = 0
start = time.perf_counter()
for _ in range(rounds):
    values = client.get_many(keys)
    assert len(values) == 100, len(values)
    fetched += len(values)
seconds = time.perf_counter() - start
print(json.dumps({"keys": fetched, "seconds": seconds, "keysPerSecond": fetched / seconds}))
PY

rate() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)["keysPerSecond"])'; }
for rep in $(seq "$REPS"); do
    say "multi-get, repetition $rep/$REPS"
    record multiget-100 cachescope "$("$bench" memcached-multiget --server "127.0.0.1:$small" --rounds "$ROUNDS" | rate)" keys/s
    record multiget-100 pymemcache "$("$PY" "$workdir/pymemcache_multiget.py" "$small" "$ROUNDS" | rate)" keys/s
    record multiget-100-depth-16 cachescope "$("$bench" memcached-multiget --server "127.0.0.1:$small" --rounds "$((ROUNDS / 16))" --depth 16 | rate)" keys/s
done

# --- 2. metadump listing of 1M items ---------------------------------------------------------------
start_memcached -m 1024 >"$workdir/big.port"
big=$(cat "$workdir/big.port")
say "filling 127.0.0.1:$big with $ITEMS items"
"$bench" memcached-populate --server "127.0.0.1:$big" --total "$ITEMS" --prefix item:

cat >"$workdir/raw_metadump.py" <<'PY'
import socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
sock.sendall(b"lru_crawler metadump all\r\n")
tail, lines = b"", 0
while True:
    chunk = sock.recv(1 << 16)
    if not chunk:
        sys.exit("connection closed before END")
    data = tail + chunk
    lines += data.count(b"\n") - tail.count(b"\n")
    tail = data[-5:]
    if data.endswith(b"END\r\n"):
        break
print(lines - 1)
PY

for rep in $(seq "$REPS"); do
    say "metadump listing, repetition $rep/$REPS"
    record "list-$(size_label "$ITEMS")" cachescope "$(seconds_of "$cachescope" keys --memcached "127.0.0.1:$big" --limit 2000000 --json)"
    record "list-$(size_label "$ITEMS")" "raw metadump" "$(seconds_of "$PY" "$workdir/raw_metadump.py" "$big")"
done
peak=$(peak_mb_of "$workdir/keys.json" "$cachescope" keys --memcached "127.0.0.1:$big" --limit 2000000 --json)
listed=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["keys"]))' "$workdir/keys.json")
[ "$listed" -eq "$ITEMS" ] || { say "keys listed $listed items, not $ITEMS"; exit 1; }
record "list-$(size_label "$ITEMS")-peak-memory" cachescope "$peak" MB

# --- report -------------------------------------------------------------------------------------
"$PY" scripts/lib/bench_report.py "$results" memcached \
    --ratio "multi-get of 100: cachescope / pymemcache, both one per round trip (target ≥ 3)" multiget-100 cachescope pymemcache \
    --ratio "multi-get of 100: cachescope with 16 in flight / pymemcache" multiget-100-depth-16 cachescope pymemcache@multiget-100 \
    --ratio "metadump listing: cachescope time / raw metadump time (target ≤ 1.5)" "list-$(size_label "$ITEMS")" cachescope "raw metadump"
say "wrote bench-results.json"

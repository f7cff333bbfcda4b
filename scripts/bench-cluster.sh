#!/usr/bin/env bash
# Redis Cluster prefix invalidation, side by side with what people use today, on a 3-master cluster this
# script creates (and a single redis-server, for the same work on one node):
#   deleting the 200,000 keys under "p:" out of 1,000,000:
#   the whole `cachescope invalidate --prefix p: --yes` process (each master running the deletion script
#   in bounded batches; masters of one host — here all three — take turns; beside it the masters' own time
#   from INFO commandstats, summed, and the p99 of another client's PING to every master)
#   vs  redis-py's RedisCluster: scan_iter(match, count=1000) + unlink(*1,000 keys) (redis-py splits it per slot)
#   vs  redis-cli per master, the masters in parallel (listed with `redis-cli --cluster call … cluster myid`'s
#       nodes): `redis-cli --scan --pattern 'p:*' | sed 's/^/UNLINK /' | redis-cli` — one key per UNLINK,
#       since `xargs -n 1000 redis-cli unlink` is refused with CROSSSLOT on a cluster
#   and cachescope on a single node, for reference.
# Each comparison alternates the tools, REPS times (default 5), and reports medians and the spread.
# Installs what it needs (apt: redis-server, redis-tools; PyPI: redis). Usage: scripts/bench-cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-cluster.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
KEYS=${KEYS:-1000000}
PREFIXED=$((KEYS / 5))
size="$(size_label "$PREFIXED")-of-$(size_label "$KEYS")"

bench_needs redis-server=redis-server redis-cli=redis-tools
bench_python redis

servers_init
bench_build cachescope-bench cachescope

start_redis_cluster >"$workdir/cluster.addresses" || { say "the Redis Cluster could not be created"; cat "$workdir/cluster-create.log" >&2; exit 1; }
IFS=, read -r -a nodes <"$workdir/cluster.addresses"
seed=${nodes[0]}
seed_port=${seed##*:}
say "Redis Cluster (3 masters) on $(cat "$workdir/cluster.addresses")"
start_redis >"$workdir/redis.port"
single_port=$(cat "$workdir/redis.port")

masters() { redis-cli --cluster call "$seed" cluster myid 2>/dev/null | sed -n 's/^\([0-9.]*:[0-9]*\): .*/\1/p'; }

cluster_size() {
    local total=0 node
    for node in "${nodes[@]}"; do total=$((total + $(redis-cli -p "${node##*:}" dbsize))); done
    echo "$total"
}

populate_cluster() {
    local node
    for node in "${nodes[@]}"; do redis-cli -p "${node##*:}" flushall >/dev/null; done
    "$bench" populate --url "redis://$seed" --total "$KEYS" --prefixed "$PREFIXED" --prefix p:
    [ "$(cluster_size)" -eq "$KEYS" ] || { say "populate made $(cluster_size) keys, not $KEYS"; exit 1; }
}

check_cluster_left() {
    [ "$(cluster_size)" -eq $((KEYS - PREFIXED)) ] || { say "$1 left $(cluster_size) keys, not $((KEYS - PREFIXED))"; exit 1; }
}

cat >"$workdir/redis_py_cluster.py" <<'PY'
import sys
from redis.cluster import RedisCluster
rc = RedisCluster(host="127.0.0.1", port=int(sys.argv[1]))
batch = []
for key in rc.scan_iter(match="p:*", count=1000):
    batch.append(key)
    if len(batch) == 1000:
        rc.unlink(*batch)
        batch = []
if batch:
    rc.unlink(*batch)
PY

cat >"$workdir/redis_cli_per_master.sh" <<SH
set -e
for master in \$(redis-cli --cluster call $seed cluster myid 2>/dev/null | sed -n 's/^\([0-9.]*:[0-9]*\): .*/\1/p'); do
    port=\${master##*:}
    (redis-cli -p "\$port" --scan --pattern 'p:*' | sed 's/^/UNLINK /' | redis-cli -p "\$port" >/dev/null) &
done
wait
SH
[ "$(masters | wc -l)" -eq 3 ] || { say "redis-cli --cluster call did not list the 3 masters"; exit 1; }

master_ports=()
for master in $(masters); do master_ports+=("${master##*:}"); done

for rep in $(seq "$REPS"); do
    say "cluster prefix invalidation, repetition $rep/$REPS"
    populate_cluster
    "$PY" scripts/lib/server_work.py reset "${master_ports[@]}"
    start_pinger "$workdir/ping.ms" "${master_ports[@]}"
    ours=$(timed_output "$workdir/invalidate.json" "$cachescope" invalidate --redis "redis://$seed" --prefix p: --yes --json)
    stop_pinger
    ping=$(cat "$workdir/ping.ms")
    method=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["deleted"]==int(sys.argv[2]), d; print(d["method"])' \
        "$workdir/invalidate.json" "$PREFIXED")
    server=$("$PY" scripts/lib/server_work.py read "${master_ports[@]}" | head -1)
    check_cluster_left cachescope
    say "cachescope: $ours s (method $method), the masters' own time $server s, PING p99 $ping ms"
    record "cluster-invalidate-$size" "cachescope" "$ours"
    record "cluster-invalidate-$size-server-time" "the masters (for cachescope)" "$server"
    record "cluster-invalidate-$size-concurrent-ping-p99" "cachescope" "$ping" ms

    populate_cluster
    theirs=$(seconds_of "$PY" "$workdir/redis_py_cluster.py" "$seed_port")
    check_cluster_left redis-py
    record "cluster-invalidate-$size" "redis-py RedisCluster" "$theirs"

    populate_cluster
    theirs=$(seconds_of bash "$workdir/redis_cli_per_master.sh")
    check_cluster_left redis-cli
    record "cluster-invalidate-$size" "redis-cli per master" "$theirs"

    redis-cli -p "$single_port" flushall >/dev/null
    "$bench" populate --url "redis://127.0.0.1:$single_port" --total "$KEYS" --prefixed "$PREFIXED" --prefix p:
    single=$(timed_output "$workdir/single.json" "$cachescope" invalidate --redis "redis://127.0.0.1:$single_port" --prefix p: --yes --json)
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["deleted"]==int(sys.argv[2]), d' "$workdir/single.json" "$PREFIXED"
    [ "$(redis-cli -p "$single_port" dbsize)" -eq $((KEYS - PREFIXED)) ] || { say "single node: wrong key count left"; exit 1; }
    record "single-node-invalidate-$size" "cachescope" "$single"
done

"$PY" scripts/lib/bench_report.py "$results" cluster \
    --ratio "cluster prefix invalidation: best peer time / cachescope time (target ≥ 4)" "cluster-invalidate-$size" best-peer cachescope \
    --ratio "cluster prefix invalidation: cachescope wall time / the masters' own time (target ≤ 1.15)" "cluster-invalidate-$size" cachescope "the masters (for cachescope)@cluster-invalidate-$size-server-time"
say "wrote bench-results.json"

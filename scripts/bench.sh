#!/usr/bin/env bash
# The whole benchmark suite, one comparison after another, each side by side with the tools people use
# today (see each script's header): Redis (pipelining, prefix invalidation, key listing), Redis Cluster
# (prefix invalidation on 3 masters), memcached
# (multi-get, metadump listing), the Caching library (SimpleCache, memoize), the demo's cached route
# (wrk), the dashboard (idle cost, first page, frames), fleets of 200 backends (first screen, idle cost,
# connections, frames, snapshot, scrape; and 1,000), recordings (size beside Prometheus's TSDB, the replay's
# first frame and jumps, the forecast's accuracy), the monitor engine, keyspace analysis (redis-cli
# --memkeys/--bigkeys, raw metadump), the traffic sample's accuracy by each method (redis-cli monitor). Each
# script installs what it
# needs, starts its own servers on spare loopback ports and stops them; each writes its section of
# bench-results.json. At the end, every target is listed as met or missed.
#
# Usage: scripts/bench.sh           the full suite (release build, 1,000,000-key data; about 40 minutes)
#        scripts/bench.sh --quick   each comparison once on small data with the debug build — a check
#                                   that the scripts still run (scripts/test.sh runs it), not a measurement
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--quick" ]; then
    export BENCH_CONFIGURATION=debug REPS=1
    export KEYS=20000 ITEMS=20000 PIPELINE_REQUESTS=20000 ROUNDS=200
    export IDLE_SECONDS=3 POLL_SECONDS=3 DURATION=1
    export THRESHOLD=2000 FULL_SETS=2000 PEER_FULL_SETS=20 MEMOIZE_CALLS=2000 REQUESTS=20000 CLIENTS=100 ROUNDS_HEALTH=3 SCRAPES=5
    export METHOD_ROUNDS=2
    export FLEET_REDIS=5 FLEET_MEMCACHED=5 SCALE=0
    export HOURS=1 BACKENDS=2 JUMPS=5 FIRST_FRAMES=1 RECORD_BACKENDS=2 RECORD_SECONDS=3 RECORD_RUNS=1
elif [ -n "${1:-}" ]; then
    echo "usage: scripts/bench.sh [--quick]" >&2
    exit 2
fi

rm -f bench-results.json
for suite in redis cluster memcached caching demo dashboard monitor analyze traffic traffic-methods health serve tunnel fleet record; do
    echo "=== scripts/bench-$suite.sh" >&2
    "scripts/bench-$suite.sh"
done
echo
[ "${BENCH_CONFIGURATION:-release}" = debug ] && echo "Quick run (debug build, small data): the figures below check the scripts, they are not measurements."
python3 scripts/lib/bench_summary.py bench-results.json

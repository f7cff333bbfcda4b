#!/usr/bin/env bash
# The Caching library against Flask-Caching's own storage, in one process each, side by side:
#   1. `Caching.SimpleCache` (a string value turned into bytes and back, as cachelib pickles it; and, for
#      reference, through the `Cache` facade with its key prefix, statistics and Codable values) vs
#      Python's cachelib SimpleCache (what Flask-Caching's SimpleCache is): sets while filling to the
#      threshold, gets of present keys, and sets of new keys once full — at threshold 200,000 and at
#      cachelib's default 500 (target: ≥ 10×, goal 20×; full-cache sets must not cost O(n)), each loop run
#      often enough for 200,000 calls on both sides; the resident memory per entry of both, the page
#      faults a set took while filling the big cache on both sides, and what one page fault costs here;
#   2. a memoized function on SimpleCache called with the same arguments (every call a hit): our
#      `Cache.memoize` vs flask_caching's `@cache.memoize` (target: ≥ 30× less time per hit).
# Alternates the two, REPS times. Prints a Markdown table and writes bench-results.json ("caching").
# Installs what it needs (PyPI: flask, flask-caching, which brings cachelib).
# Usage: scripts/bench-caching.sh   (REPS=1 THRESHOLD=2000 FULL_SETS=2000 … for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-caching.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
THRESHOLD=${THRESHOLD:-200000}
FULL_SETS=${FULL_SETS:-200000}
# cachelib's sets into a full cache sort every entry each time: a few hundred take a minute at 200,000.
PEER_FULL_SETS=${PEER_FULL_SETS:-300}
MEMOIZE_CALLS=${MEMOIZE_CALLS:-200000}

bench_python flask flask-caching cachelib

servers_init
bench_build cachescope-bench
peer=scripts/bench/cachelib_peers.py
field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }

for rep in $(seq "$REPS"); do
    for threshold in "$THRESHOLD" 500; do
        label=$(size_label "$threshold")
        say "SimpleCache at threshold $threshold, repetition $rep/$REPS"
        ours=$("$bench" simplecache --threshold "$threshold" --full-sets "$FULL_SETS" --level backend)
        facade=$("$bench" simplecache --threshold "$threshold" --full-sets "$FULL_SETS" --level facade)
        theirs=$("$PY" "$peer" simplecache "$threshold" "$PEER_FULL_SETS")
        for measure in set get full-set; do
            key=$(echo "$measure" | sed 's/full-set/fullSet/')OpsPerSecond
            record "simplecache-$measure-$label" cachescope "$(echo "$ours" | field "$key")" ops/s
            record "simplecache-$measure-$label" "cachescope via Cache" "$(echo "$facade" | field "$key")" ops/s
            record "simplecache-$measure-$label" cachelib "$(echo "$theirs" | field "$key")" ops/s
        done
        if [ "$threshold" = "$THRESHOLD" ]; then
            # Resident memory per entry after the first fill (page-granular: meaningful for big caches only).
            record "simplecache-memory-per-entry-$label" cachescope "$(echo "$ours" | field bytesPerEntry)" B
            record "simplecache-memory-per-entry-$label" cachelib "$(echo "$theirs" | field bytesPerEntry)" B
            # First touches of fresh memory while filling, and what one costs on this machine.
            per_thousand() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])['setPageFaultsPerCall'] * 1000)" "$1"; }
            record "simplecache-set-page-faults-per-1000-calls-$label" cachescope "$(per_thousand "$ours")" faults
            record "simplecache-set-page-faults-per-1000-calls-$label" cachelib "$(per_thousand "$theirs")" faults
            record "page-fault-cost" "this machine" "$(echo "$ours" | field pageFaultNanoseconds)" ns
        fi
    done
    say "memoize hits, repetition $rep/$REPS"
    record memoize-hit cachescope "$("$bench" memoize --calls "$MEMOIZE_CALLS" | field microsecondsPerHit)" µs
    record memoize-hit flask-caching "$("$PY" "$peer" memoize "$MEMOIZE_CALLS" | field microsecondsPerHit)" µs
done

big=$(size_label "$THRESHOLD")
"$PY" scripts/lib/bench_report.py "$results" caching \
    --ratio "SimpleCache get, threshold $big: cachescope / cachelib (target ≥ 10, goal 20)" "simplecache-get-$big" cachescope cachelib \
    --ratio "SimpleCache set, threshold $big: cachescope / cachelib (target ≥ 10, goal 20)" "simplecache-set-$big" cachescope cachelib \
    --ratio "SimpleCache set when full, threshold $big: cachescope / cachelib (target ≥ 10)" "simplecache-full-set-$big" cachescope cachelib \
    --ratio "SimpleCache get, threshold 500: cachescope / cachelib (target ≥ 10, goal 20)" simplecache-get-500 cachescope cachelib \
    --ratio "SimpleCache set, threshold 500: cachescope / cachelib (target ≥ 10, goal 20)" simplecache-set-500 cachescope cachelib \
    --ratio "SimpleCache set when full, threshold 500: cachescope / cachelib (target ≥ 10)" simplecache-full-set-500 cachescope cachelib \
    --ratio "memoize hit: flask-caching time / cachescope time (target ≥ 30)" memoize-hit flask-caching cachescope
say "wrote bench-results.json"

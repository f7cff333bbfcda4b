#!/usr/bin/env bash
# Redis benchmarks, side by side with the tools people use today, on a redis-server this script starts:
#   1. pipelined SET and GET through one connection, 16 commands per round trip:
#      cachescope-bench pipeline  vs  redis-benchmark -c 1 -P 16
#   2. deleting the 200,000 keys under "p:" out of 1,000,000:
#      cachescope (SCAN + pipelined UNLINK)  vs  redis-py scan_iter(count=1000) + UNLINK per 1,000
#      vs  redis-cli --scan --pattern 'p:*' | xargs -n 1000 redis-cli unlink
#   3. `cachescope keys` on 1,000,000 keys: time to the first 100 (--limit 100), and the peak memory of
#      listing all of them as JSON (it streams, so memory should stay flat).
# Each comparison alternates the tools, REPS times (default 5), and reports medians and the spread.
# Prints a Markdown table and writes bench-results.json. Installs what it needs (apt: redis-server,
# redis-tools; PyPI: redis). Usage: scripts/bench-redis.sh   (REPS=3 scripts/bench-redis.sh for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-redis.sh
source scripts/lib/servers.sh
REPS=${REPS:-5}
PIPELINE_REQUESTS=${PIPELINE_REQUESTS:-1000000}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
[ -x /usr/bin/time ] || missing+=(time)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
python3 -c 'import redis' 2>/dev/null || { say "installing redis-py"; python3 -m pip install -q redis; }

servers_init
say "building cachescope-bench (release)"
run swift build -c release --product cachescope-bench
run swift build -c release --product cachescope
bench=$(swift build -c release --show-bin-path)/cachescope-bench
cachescope=$(swift build -c release --show-bin-path)/cachescope

start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
url="redis://127.0.0.1:$port"
say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"
results="$workdir/results.jsonl"
: >"$results"

record() { printf '{"case":"%s","tool":"%s","value":%s}\n' "$1" "$2" "$3" >>"$results"; }

# --- 1. pipelined throughput ------------------------------------------------------------------
for command in SET GET; do
    for rep in $(seq "$REPS"); do
        say "$command pipeline, repetition $rep/$REPS"
        ours=$("$bench" pipeline --url "$url" --command "$command" --requests "$PIPELINE_REQUESTS" --depth 16 \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["opsPerSecond"])')
        record "pipeline-$command" "cachescope" "$ours"
        lower=$(echo "$command" | tr 'A-Z' 'a-z')
        theirs=$(redis-benchmark -p "$port" -c 1 -P 16 -n "$PIPELINE_REQUESTS" -t "$lower" --csv \
            | python3 -c 'import csv,sys; rows=list(csv.reader(sys.stdin)); print(float(rows[-1][1]))')
        record "pipeline-$command" "redis-benchmark" "$theirs"
    done
done

# --- 2. prefix invalidation -------------------------------------------------------------------
populate() {
    redis-cli -p "$port" flushall >/dev/null
    "$bench" populate --url "$url" --total 1000000 --prefixed 200000 --prefix p:
    local size
    size=$(redis-cli -p "$port" dbsize)
    [ "$size" -eq 1000000 ] || { say "populate made $size keys, not 1000000"; exit 1; }
}

check_left() {
    local size
    size=$(redis-cli -p "$port" dbsize)
    [ "$size" -eq 800000 ] || { say "$1 left $size keys, not 800000"; exit 1; }
}

seconds_of() { python3 -c 'import sys,time; t=time.perf_counter(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(time.perf_counter()-t)' "$@"; }

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
    ours=$("$bench" invalidate --url "$url" --prefix p: | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["deleted"]==200000, d; print(d["seconds"])')
    check_left cachescope
    record "invalidate-200k-of-1M" "cachescope" "$ours"

    populate
    theirs=$(seconds_of python3 "$workdir/redis_py.py" "$port")
    check_left redis-py
    record "invalidate-200k-of-1M" "redis-py" "$theirs"

    populate
    theirs=$(seconds_of bash -c "redis-cli -p $port --scan --pattern 'p:*' | xargs -n 1000 redis-cli -p $port unlink")
    check_left redis-cli
    record "invalidate-200k-of-1M" "redis-cli | xargs" "$theirs"
done

# --- 3. keys on a big keyspace -------------------------------------------------------------------
populate
for rep in $(seq "$REPS"); do
    seconds=$(seconds_of "$cachescope" keys --redis "$url" --limit 100 --json)
    record "keys-first-100-of-1M" "cachescope" "$seconds"
done
/usr/bin/time -v "$cachescope" keys --redis "$url" --limit 1000000 --json >"$workdir/keys.json" 2>"$workdir/time.txt"
listed=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["keys"]))' "$workdir/keys.json")
[ "$listed" -eq 1000000 ] || { say "keys listed $listed keys, not 1000000"; exit 1; }
peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$workdir/time.txt")
record "keys-all-1M-peak-memory" "cachescope" "$(python3 -c "print($peak_kb/1024)")"

# --- report -------------------------------------------------------------------------------------
python3 - "$results" <<'PY'
import json, statistics, sys, platform, os
rows = [json.loads(line) for line in open(sys.argv[1])]
cases = {}
for row in rows:
    cases.setdefault(row["case"], {}).setdefault(row["tool"], []).append(row["value"])
summary = {}
print("| case | tool | median | min | max | runs |")
print("|---|---|---|---|---|---|")
for case, tools in cases.items():
    summary[case] = {}
    unit = "ops/s" if case.startswith("pipeline") else ("MB" if case.endswith("memory") else "s")
    for tool, values in tools.items():
        med = statistics.median(values)
        summary[case][tool] = {"median": med, "min": min(values), "max": max(values), "runs": values, "unit": unit}
        fmt = (lambda v: f"{v:,.0f}") if unit == "ops/s" else (lambda v: f"{v:.2f}")
        print(f"| {case} | {tool} | {fmt(med)} {unit} | {fmt(min(values))} | {fmt(max(values))} | {len(values)} |")
ratios = {}
for command in ("SET", "GET"):
    c = summary.get(f"pipeline-{command}")
    if c:
        ratios[f"pipeline-{command}: cachescope / redis-benchmark"] = c["cachescope"]["median"] / c["redis-benchmark"]["median"]
inv = summary.get("invalidate-200k-of-1M")
if inv:
    best_peer = min(v["median"] for k, v in inv.items() if k != "cachescope")
    ratios["invalidate: best peer time / cachescope time"] = best_peer / inv["cachescope"]["median"]
print()
for name, value in ratios.items():
    print(f"- {name}: {value:.2f}")
existing = {}
if os.path.exists("bench-results.json"):
    try:
        existing = json.load(open("bench-results.json"))
    except Exception:
        existing = {}
existing["redis"] = {"summary": summary, "ratios": ratios, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()}}
json.dump(existing, open("bench-results.json", "w"), indent=2)
PY
say "wrote bench-results.json"

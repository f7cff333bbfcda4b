#!/usr/bin/env bash
# Recording and replay benchmarks: a synthetic recording of HOURS (24) hours of BACKENDS (10) backends read
# every second (cachescope-bench recording-generate: noisy traffic, wandering memory, one backend filling
# up, one down for five minutes every six hours), then against the targets:
#   1. its size on disk (target ≤ 50 MB) — beside the same readings in Prometheus's TSDB (cachescope export
#      --format openmetrics, imported with promtool tsdb create-blocks-from openmetrics);
#   2. the first frame: `cachescope replay FILE` in a 120×40 tmux pane, from the start of the process until
#      the header says REPLAY and every backend is listed (target ≤ 1 s);
#   3. jumps: JUMPS instants spread over the recording, each read and drawn (cachescope-bench replay-jumps;
#      target ≤ 100 ms each);
#   4. the forecast of a linear fill once a tenth of it is seen (cachescope-bench forecast-accuracy: fills of
#      1, 6 and 24 hours with noise; target: within ±15 %);
#   5. what recording costs: the dashboard on RECORD_BACKENDS (10) real servers (half redis-server, half
#      memcached, 200 ops/s of load each) for RECORD_SECONDS (60), without and with --record, alternated
#      RECORD_RUNS (2) times (target: ≤ 1 % of a core more).
# Bytes per recorded value (target ≤ 1.5) divide each store's size by the export's samples (one per series
# and reading). Prints a Markdown table and writes bench-results.json ("record"). Installs what it needs
# (apt: tmux, prometheus, redis-server, memcached). Usage: scripts/bench-record.sh
# (HOURS=1 BACKENDS=2 JUMPS=5 RECORD_BACKENDS=2 RECORD_SECONDS=3 RECORD_RUNS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-record.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
HOURS=${HOURS:-24}
BACKENDS=${BACKENDS:-10}
JUMPS=${JUMPS:-50}
FIRST_FRAMES=${FIRST_FRAMES:-3}
RECORD_BACKENDS=${RECORD_BACKENDS:-10}
RECORD_SECONDS=${RECORD_SECONDS:-60}
RECORD_RUNS=${RECORD_RUNS:-2}

bench_needs tmux=tmux promtool=prometheus redis-server=redis-server memcached=memcached

servers_init
bench_build cachescope cachescope-bench
session="cachescope-bench-record-$$"
pids=()
trap 'tmux kill-session -t "$session" 2>/dev/null || true; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; servers_cleanup' EXIT
label="${HOURS}h-${BACKENDS}-backends"
file="$workdir/recording.cachescope"

say "1. a recording of $HOURS h of $BACKENDS backends"
"$bin/cachescope-bench" recording-generate --to "$file" --backends "$BACKENDS" --hours "$HOURS" >"$workdir/generate.json"
cat "$workdir/generate.json" >&2
record "recording-$label-size" cachescope "$("$PY" -c "import os; print(os.path.getsize('$file') / 1e6)")" MB
say "   beside it: the same readings in Prometheus's TSDB"
"$bin/cachescope" export "$file" --format openmetrics >"$workdir/recording.om"
promtool tsdb create-blocks-from openmetrics "$workdir/recording.om" "$workdir/tsdb" >/dev/null
tsdb_bytes=$(du -sb "$workdir/tsdb" | cut -f1)
record "recording-$label-size" "Prometheus TSDB (promtool import of the export)" "$("$PY" -c "print($tsdb_bytes / 1e6)")" MB
# Bytes per recorded value: the values are the export's samples (one per series and reading), the same count
# for both stores.
values=$(grep -vc '^#' "$workdir/recording.om")
say "   $values values recorded"
record "recording-$label-bytes-per-value" cachescope "$("$PY" -c "import os; print(os.path.getsize('$file') / $values)")" bytes
record "recording-$label-bytes-per-value" "Prometheus TSDB (promtool import of the export)" "$("$PY" -c "print($tsdb_bytes / $values)")" bytes
rm -f "$workdir/recording.om"

say "2. the first frame of the replay"
for _ in $(seq "$FIRST_FRAMES"); do
    rm -f "$workdir/started"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 sh -c 'date +%s.%N > $workdir/started; exec $bin/cachescope replay $file'"
    for _ in $(seq 500); do
        tmux capture-pane -p -t "$session" | grep -q " REPLAY " && tmux capture-pane -p -t "$session" | grep -q " $BACKENDS/$BACKENDS up\| $((BACKENDS - 1))/$BACKENDS up" && break
        sleep 0.01
    done
    shown=$(date +%s.%N)
    tmux capture-pane -p -t "$session" | grep -q " REPLAY " || {
        tmux capture-pane -p -t "$session" >&2
        say "the replay did not show its first frame"
        exit 1
    }
    record "replay-$label-first-frame" cachescope "$("$PY" -c "print($shown - $(cat "$workdir/started"))")"
    tmux send-keys -t "$session" q
    sleep 0.5
done

say "3. jumps"
out=$("$bin/cachescope-bench" replay-jumps --file "$file" --jumps "$JUMPS")
echo "$out" >&2
record "replay-$label-jump-median" cachescope "$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['jumpMedianMs'])")" ms
record "replay-$label-jump-max" cachescope "$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['jumpMaxMs'])")" ms

say "4. the forecast of a linear fill"
out=$("$bin/cachescope-bench" forecast-accuracy)
echo "$out" >&2
record "forecast-linear-fill-worst-error" cachescope "$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['worstErrorPercent'])")" "%"

say "5. what recording costs: the dashboard on $RECORD_BACKENDS real backends under a light load, without and with --record"
redis_count=$(((RECORD_BACKENDS + 1) / 2))
config="$workdir/record.toml"
: >"$config"
load=()
for index in $(seq "$RECORD_BACKENDS"); do
    if [ "$index" -le "$redis_count" ]; then
        # Not in $(…): a subshell's start would not reach started_pids, and the server would outlive the run.
        start_redis >"$workdir/port"
        port=$(cat "$workdir/port")
        printf '[[backend]]\nname = "r%d"\ntype = "redis"\nurl = "redis://127.0.0.1:%s"\n\n' "$index" "$port" >>"$config"
        load+=(--redis "redis://127.0.0.1:$port")
    else
        start_memcached -m 64 >"$workdir/port"
        port=$(cat "$workdir/port")
        printf '[[backend]]\nname = "m%d"\ntype = "memcached"\nservers = ["127.0.0.1:%s"]\n\n' "$index" "$port" >>"$config"
        load+=(--memcached "127.0.0.1:$port")
    fi
done
"$bin/cachescope-bench" fleet-load "${load[@]}" --rate 200 &
pids+=($!)
hz=$(getconf CLK_TCK)
# idle_cpu LABEL [ARGUMENTS…] — the dashboard on the fleet in tmux, RECORD_SECONDS of its CPU after it settled.
idle_cpu() {
    local label=$1
    shift
    rm -f "$workdir/dashboard.pid"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$workdir/config-home sh -c 'echo \$\$ > $workdir/dashboard.pid; exec $bin/cachescope --config $config $*'"
    for _ in $(seq 500); do
        tmux capture-pane -p -t "$session" | grep -q " $RECORD_BACKENDS/$RECORD_BACKENDS up" && break
        sleep 0.02
    done
    sleep 5
    local pid before after
    pid=$(cat "$workdir/dashboard.pid")
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$RECORD_SECONDS"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    record "record-$RECORD_BACKENDS-backends-cpu" "$label" "$("$PY" -c "print(($after - $before) / $hz / $RECORD_SECONDS * 100)")" "% of a core"
    tmux send-keys -t "$session" q
    sleep 1
}
# Alternated, so a drift of the machine's load falls on both.
for _ in $(seq "$RECORD_RUNS"); do
    idle_cpu "cachescope (monitoring alone)"
    rm -f "$workdir/live.cachescope"*
    idle_cpu "cachescope --record" --record "$workdir/live.cachescope"
done

"$PY" scripts/lib/bench_report.py "$results" record
say "wrote bench-results.json"

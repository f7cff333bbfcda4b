#!/usr/bin/env bash
# Fleet benchmarks: FLEET_REDIS (100) redis-server and FLEET_MEMCACHED (100) memcached on loopback, a light
# load (cachescope-bench fleet-load, 200 ops/s each) on a tenth of them, and among them one dead address and
# one server that accepts connections and never answers — measured against htop-class targets:
#   1. the first full screen: from the start of the dashboard (120×40 tmux) until its header says every live
#      backend is up (target ≤ 2 s) — the dead and the hung one must delay no other row;
#   2. the idle dashboard for IDLE_SECONDS (60): CPU (target ≤ 2 % of a core) and resident memory (≤ 80 MB),
#      read from /proc; beside it, what one runs without a fleet tool: `redis-cli --stat` on every Redis
#      (one process each), their CPU and memory summed;
#   3. connections: how many cachescope holds on each server (CLIENT LIST, memcached's curr_connections)
#      while the dashboard runs (target: 1 per server);
#   4. a frame: a new snapshot through the reducer and the whole overview drawn, 200 backends, in the list,
#      sorted by ops/s and grouped by tag (cachescope-bench fleet-render; target ≤ 10 ms);
#   5. `cachescope snapshot` of the live backends with the default interval (target ≤ 2 s), and of all of
#      them with the dead and the hung one;
#   6. one `cachescope serve` scrape of every backend (target ≤ 200 ms), beside redis_exporter answering
#      one /scrape?target= per Redis, all at once (as Prometheus scrapes them);
#   7. how it scales: the same fleet watched five times over (1,000 backends; every server in five
#      backends): first screen, idle CPU and memory, a frame, a scrape.
# Prints a Markdown table and writes bench-results.json ("fleet"). Installs what it needs (apt: redis-server,
# memcached, tmux, prometheus-redis-exporter). Usage: scripts/bench-fleet.sh
# (FLEET_REDIS=5 FLEET_MEMCACHED=5 IDLE_SECONDS=3 SCALE=0 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-fleet.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
FLEET_REDIS=${FLEET_REDIS:-100}
FLEET_MEMCACHED=${FLEET_MEMCACHED:-100}
IDLE_SECONDS=${IDLE_SECONDS:-60}
SCRAPES=${SCRAPES:-10}
SCALE=${SCALE:-5}

bench_needs redis-server=redis-server memcached=memcached tmux=tmux prometheus-redis-exporter=prometheus-redis-exporter

servers_init
bench_build cachescope cachescope-bench
session="cachescope-bench-fleet-$$"
pids=()
cleanup_fleet() {
    tmux kill-session -t "$session" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap 'cleanup_fleet; servers_cleanup' EXIT
hz=$(getconf CLK_TCK)
live=$((FLEET_REDIS + FLEET_MEMCACHED))

say "starting $FLEET_REDIS redis-server and $FLEET_MEMCACHED memcached"
redis_ports=()
memcached_ports=()
for i in $(seq "$FLEET_REDIS"); do
    start_redis --maxmemory 64mb >"$workdir/port" || { say "redis-server $i did not start"; exit 1; }
    redis_ports+=("$(cat "$workdir/port")")
done
for i in $(seq "$FLEET_MEMCACHED"); do
    start_memcached -m 16 >"$workdir/port" || { say "memcached $i did not start"; exit 1; }
    memcached_ports+=("$(cat "$workdir/port")")
done
dead=$(spare_port)
hung=$(spare_port)
"$PY" -c '
import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(1000)
held = []
while True:
    held.append(server.accept()[0])
' "$hung" &
pids+=($!)

# fleet_config FILE COPIES [EXTRA] — every server COPIES times (a Redis copy in a database of its own), tagged;
# with EXTRA, the dead and the hung address too.
fleet_config() {
    local file=$1 copies=$2 extra=${3:-}
    : >"$file"
    local regions=(eu us ap) services=(sessions pages carts search) n=0 copy port
    for copy in $(seq 0 $((copies - 1))); do
        for port in "${redis_ports[@]}"; do
            printf '[[backend]]\nname = "%s-%s-r%d"\ntype = "redis"\nurl = "redis://127.0.0.1:%s/%d"\ntags = ["%s", "%s", "%s"]\n\n' \
                "${services[n % 4]}" "${regions[n % 3]}" "$n" "$port" "$copy" "$([ $((n % 5)) -eq 0 ] && echo staging || echo prod)" \
                "${regions[n % 3]}" "${services[n % 4]}" >>"$file"
            n=$((n + 1))
        done
        for port in "${memcached_ports[@]}"; do
            printf '[[backend]]\nname = "%s-%s-m%d"\ntype = "memcached"\nservers = ["127.0.0.1:%s"]\ntags = ["%s", "%s"]\n\n' \
                "${services[n % 4]}" "${regions[n % 3]}" "$n" "$port" "${regions[n % 3]}" "${services[n % 4]}" >>"$file"
            n=$((n + 1))
        done
    done
    if [ -n "$extra" ]; then
        printf '[[backend]]\nname = "dead"\ntype = "redis"\nurl = "redis://127.0.0.1:%s"\n\n' "$dead" >>"$file"
        printf '[[backend]]\nname = "hung"\ntype = "redis"\nurl = "redis://127.0.0.1:%s"\n' "$hung" >>"$file"
    fi
}
fleet_config "$workdir/fleet.toml" 1 extra
fleet_config "$workdir/live.toml" 1

say "a light load on a tenth of the servers"
load=()
for port in "${redis_ports[@]:0:$(((FLEET_REDIS + 9) / 10))}"; do load+=(--redis "redis://127.0.0.1:$port"); done
for port in "${memcached_ports[@]:0:$(((FLEET_MEMCACHED + 9) / 10))}"; do load+=(--memcached "127.0.0.1:$port"); done
"$bin/cachescope-bench" fleet-load "${load[@]}" --rate 200 &
pids+=($!)

# dashboard CONFIG EXPECTED LABEL — the dashboard on CONFIG in tmux: the seconds until EXPECTED backends are up
# (recorded as LABEL-first-screen), then IDLE_SECONDS of its CPU and memory; leaves it running ($pid).
dashboard() {
    local config=$1 expected=$2 label=$3 total started shown
    total=$(grep -c '^\[\[backend\]\]' "$config")
    rm -f "$workdir/dashboard.pid" "$workdir/started"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$workdir/config-home sh -c 'echo \$\$ > $workdir/dashboard.pid; date +%s.%N > $workdir/started; exec $bin/cachescope --config $config'"
    for _ in $(seq 600); do
        tmux capture-pane -p -t "$session" | grep -q " $expected/$total up" && break
        sleep 0.02
    done
    shown=$(date +%s.%N)
    tmux capture-pane -p -t "$session" | grep -q " $expected/$total up" || {
        tmux capture-pane -p -t "$session" >&2
        say "the dashboard did not show $expected/$total up"
        exit 1
    }
    started=$(cat "$workdir/started")
    record "$label-first-screen" cachescope "$("$PY" -c "print($shown - $started)")"
    pid=$(cat "$workdir/dashboard.pid")
    sleep 3
    local before after
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$IDLE_SECONDS"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    record "$label-idle-cpu" cachescope "$("$PY" -c "print(($after - $before) / $hz / $IDLE_SECONDS * 100)")" "% of a core"
    record "$label-idle-rss" cachescope "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")" MB
}

say "1-2. the dashboard on $live backends, a dead and a hung one"
dashboard "$workdir/fleet.toml" "$live" "fleet-$live"

say "3. connections per server"
# On servers without the load generator's own connection (the loaded tenth comes first).
most=0
redis_unloaded=("${redis_ports[@]:$(((FLEET_REDIS + 9) / 10)):10}")
memcached_unloaded=("${memcached_ports[@]:$(((FLEET_MEMCACHED + 9) / 10)):10}")
for port in "${redis_unloaded[@]}"; do
    count=$(redis-cli -p "$port" CLIENT LIST | grep -c 'name=cachescope' || true)
    [ "$count" -gt "$most" ] && most=$count
done
for port in "${memcached_unloaded[@]}"; do
    # Our own connection and the listening sockets are in curr_connections: what is left is cachescope's.
    count=$("$PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"stats\r\n")
data = b""
while not data.endswith(b"END\r\n"):
    data += s.recv(65536)
stats = dict(line.split(" ")[1:3] for line in data.decode().splitlines() if line.startswith("STAT "))
print(int(stats["curr_connections"]) - 2)
' "$port")
    [ "$count" -gt "$most" ] && most=$count
done
record "fleet-$live-connections-per-server" cachescope "$most" connections
tmux send-keys -t "$session" q
sleep 1

say "   beside it: redis-cli --stat on each of the $FLEET_REDIS Redis"
stat_pids=()
for port in "${redis_ports[@]}"; do
    redis-cli -p "$port" --stat >/dev/null 2>&1 &
    stat_pids+=($!)
done
pids+=("${stat_pids[@]}")
sleep 3
cpu_of() { local total=0 p; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$total"; }
before=$(cpu_of "${stat_pids[@]}")
sleep "$IDLE_SECONDS"
after=$(cpu_of "${stat_pids[@]}")
rss=0
for p in "${stat_pids[@]}"; do rss=$((rss + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done
record "fleet-$live-idle-cpu" "redis-cli --stat ×$FLEET_REDIS (Redis only)" "$("$PY" -c "print(($after - $before) / $hz / $IDLE_SECONDS * 100)")" "% of a core"
record "fleet-$live-idle-rss" "redis-cli --stat ×$FLEET_REDIS (Redis only)" "$("$PY" -c "print($rss / 1024)")" MB
for p in "${stat_pids[@]}"; do kill "$p" 2>/dev/null || true; done

say "4. frames"
for backends in "$live" $((live * SCALE)); do
    [ "$backends" -gt 0 ] || continue
    out=$("$bin/cachescope-bench" fleet-render --backends "$backends")
    for key in listMs sortedMs groupedMs; do
        record "frame-$backends-backends-${key%Ms}" cachescope "$(echo "$out" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$key'])")" ms
    done
done

say "5. snapshot"
for rep in $(seq "${REPS:-3}"); do
    record "snapshot-$live-live-backends" cachescope "$(seconds_of "$bin/cachescope" snapshot --config "$workdir/live.toml" --json)"
    record "snapshot-$live-backends-dead-and-hung" cachescope "$(seconds_of "$bin/cachescope" snapshot --config "$workdir/fleet.toml" --json)"
done

say "6. serve"
serve_port=$(spare_port)
XDG_CONFIG_HOME="$workdir/config-home" "$bin/cachescope" serve --config "$workdir/fleet.toml" --listen "127.0.0.1:$serve_port" 2>/dev/null &
pids+=($!)
exporter_port=$(spare_port)
prometheus-redis-exporter --web.listen-address "127.0.0.1:$exporter_port" >/dev/null 2>&1 &
pids+=($!)
"$PY" scripts/lib/scrape_timer.py "$results" "scrape-$live-backends" "$serve_port" "$SCRAPES" "$exporter_port" "${redis_ports[@]}"

if [ "$SCALE" -gt 1 ]; then
    say "7. the fleet watched $SCALE times over: $((live * SCALE)) backends"
    fleet_config "$workdir/scaled.toml" "$SCALE"
    dashboard "$workdir/scaled.toml" $((live * SCALE)) "fleet-$((live * SCALE))"
    tmux send-keys -t "$session" q
    sleep 1
    scaled_port=$(spare_port)
    XDG_CONFIG_HOME="$workdir/config-home" "$bin/cachescope" serve --config "$workdir/scaled.toml" --listen "127.0.0.1:$scaled_port" 2>/dev/null &
    pids+=($!)
    "$PY" scripts/lib/scrape_timer.py "$results" "scrape-$((live * SCALE))-backends" "$scaled_port" "$SCRAPES"
    record "snapshot-$((live * SCALE))-live-backends" cachescope "$(seconds_of "$bin/cachescope" snapshot --config "$workdir/scaled.toml" --json)"
fi

"$PY" scripts/lib/bench_report.py "$results" fleet
say "wrote bench-results.json"

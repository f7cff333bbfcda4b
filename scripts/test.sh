#!/usr/bin/env bash
# The test command (README): installs what is missing, starts redis-server and memcached on spare
# loopback ports, runs `swift test` with their addresses in the environment, and always stops the
# servers it started. Extra arguments go to `swift test` (e.g. scripts/test.sh --filter Memoize).
#
#   CACHESCOPE_TEST_REDIS=127.0.0.1:<port>      CACHESCOPE_TEST_MEMCACHED=127.0.0.1:<port>
#
# Never touches 6379/11211: a developer's own servers are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test.sh: %s\n' "$*" >&2; }

# --- 1. what the tests need -------------------------------------------------------------------
apt_packages=()
[ -e /usr/include/ncurses.h ] || [ -e /usr/include/ncursesw/ncurses.h ] || apt_packages+=(libncurses-dev)
command -v redis-server >/dev/null 2>&1 || apt_packages+=(redis-server)
command -v memcached >/dev/null 2>&1 || apt_packages+=(memcached)
command -v tmux >/dev/null 2>&1 || apt_packages+=(tmux)

if [ ${#apt_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${apt_packages[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
        say "installing ${apt_packages[*]} (sudo)"
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    else
        say "cannot install ${apt_packages[*]} (not root). To run every test, install them:"
        say "    sudo apt-get install -y ${apt_packages[*]}"
        say "continuing: tests that need a missing server are skipped."
    fi
fi

# --- 2. servers on spare loopback ports --------------------------------------------------------
workdir=$(mktemp -d "${TMPDIR:-/tmp}/cachescope-test.XXXXXX")
started_pids=()

cleanup() {
    local status=$?
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${started_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

spare_port() {
    local port
    for _ in $(seq 100); do
        port=$(( 20000 + RANDOM % 30000 ))
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    return 1
}

# wait_for PORT REQUEST EXPECTED — until the server on PORT answers REQUEST with EXPECTED (5 s).
wait_for() {
    local reply
    for _ in $(seq 50); do
        if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
            printf '%b' "$2" >&3
            reply=""
            IFS= read -r -t 1 reply <&3 || true
            exec 3>&- 3<&-
            case "$reply" in "$3"*) return 0 ;; esac
        fi
        sleep 0.1
    done
    return 1
}

# start_redis / start_memcached — start one server on a spare port (retrying if the port was taken
# meanwhile), record its PID for cleanup, and print the port.
start_redis() {
    local port
    for _ in 1 2 3 4 5; do
        port=$(spare_port) || return 1
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
            --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log" --dir "$workdir" >/dev/null 2>&1 || continue
        for _ in $(seq 50); do [ -s "$workdir/redis.pid" ] && break; sleep 0.1; done
        [ -s "$workdir/redis.pid" ] || continue
        started_pids+=("$(cat "$workdir/redis.pid")")
        if wait_for "$port" 'PING\r\n' '+PONG'; then echo "$port"; return 0; fi
        kill "$(cat "$workdir/redis.pid")" 2>/dev/null || true
        rm -f "$workdir/redis.pid"
    done
    return 1
}

start_memcached() {
    local port user_flag=()
    [ "$(id -u)" -eq 0 ] && user_flag=(-u root)
    for _ in 1 2 3 4 5; do
        port=$(spare_port) || return 1
        memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 -d -P "$workdir/memcached.pid" "${user_flag[@]}" >/dev/null 2>&1 || continue
        for _ in $(seq 50); do [ -s "$workdir/memcached.pid" ] && break; sleep 0.1; done
        [ -s "$workdir/memcached.pid" ] || continue
        started_pids+=("$(cat "$workdir/memcached.pid")")
        if wait_for "$port" 'version\r\n' 'VERSION'; then echo "$port"; return 0; fi
        kill "$(cat "$workdir/memcached.pid")" 2>/dev/null || true
        rm -f "$workdir/memcached.pid"
    done
    return 1
}

unset CACHESCOPE_TEST_REDIS CACHESCOPE_TEST_MEMCACHED
if command -v redis-server >/dev/null 2>&1; then
    # Run in this shell (not a subshell) so started_pids is kept for cleanup.
    start_redis >"$workdir/redis.port" || { say "redis-server did not start; see $workdir/redis.log"; cat "$workdir/redis.log" >&2 || true; exit 1; }
    export CACHESCOPE_TEST_REDIS="127.0.0.1:$(cat "$workdir/redis.port")"
    say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $CACHESCOPE_TEST_REDIS"
fi
if command -v memcached >/dev/null 2>&1; then
    start_memcached >"$workdir/memcached.port" || { say "memcached did not start"; exit 1; }
    export CACHESCOPE_TEST_MEMCACHED="127.0.0.1:$(cat "$workdir/memcached.port")"
    say "memcached $(memcached -V | awk '{print $2}') on $CACHESCOPE_TEST_MEMCACHED"
fi

# --- 3. the tests --------------------------------------------------------------------------------
say "swift build (the binary the command-line tests run)"
swift build
say "swift test $*"
set +e
swift test "$@" 2>&1 | tee "$workdir/test.log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ] && ! grep -Eq 'Test run with [1-9][0-9]* tests?.* passed|Executed [1-9][0-9]* tests?, with 0 failures' "$workdir/test.log"; then
    say "swift test exited 0 but no test ran"
    status=1
fi
[ "$status" -eq 0 ] && say "all tests passed" || say "tests FAILED (exit $status)"
exit "$status"

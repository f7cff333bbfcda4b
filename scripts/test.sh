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
child=""

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
# stop_child — on Ctrl-C/SIGTERM stop the running build or test (and what it started) right away.
stop_child() {
    if [ -n "$child" ]; then
        pkill -TERM -P "$child" 2>/dev/null || true
        kill -TERM "$child" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'stop_child; exit 130' INT
trap 'stop_child; exit 143' TERM

# run COMMAND… — runs it in the background and waits, so a signal is handled at once, not after it ends.
run() {
    "$@" &
    child=$!
    local status=0
    wait "$child" || status=$?
    child=""
    return "$status"
}

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

# start_server NAME REQUEST REPLY COMMAND… — starts a server on a spare port (retrying if the port was
# taken meanwhile), records its PID for cleanup and prints the port. In COMMAND, @PORT@ stands for the
# port and the server must write its PID to $workdir/NAME.pid.
start_server() {
    local name=$1 request=$2 reply=$3 port pidfile
    shift 3
    pidfile="$workdir/$name.pid"
    for _ in 1 2 3 4 5; do
        port=$(spare_port) || return 1
        rm -f "$pidfile"
        "${@//@PORT@/$port}" >>"$workdir/$name.log" 2>&1 || continue
        for _ in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
        [ -s "$pidfile" ] || continue
        started_pids+=("$(cat "$pidfile")")
        if wait_for "$port" "$request" "$reply"; then echo "$port"; return 0; fi
        kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    return 1
}

unset CACHESCOPE_TEST_REDIS CACHESCOPE_TEST_MEMCACHED
# start_server runs in this shell (output to a file, not a $(…) subshell) so started_pids is kept.
if command -v redis-server >/dev/null 2>&1; then
    start_server redis 'PING\r\n' '+PONG' redis-server --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log" --dir "$workdir" >"$workdir/redis.port" \
        || { say "redis-server did not start:"; cat "$workdir/redis.log" >&2 || true; exit 1; }
    export CACHESCOPE_TEST_REDIS="127.0.0.1:$(cat "$workdir/redis.port")"
    say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $CACHESCOPE_TEST_REDIS"
fi
if command -v memcached >/dev/null 2>&1; then
    memcached_user=()
    [ "$(id -u)" -eq 0 ] && memcached_user=(-u root)
    start_server memcached 'version\r\n' 'VERSION' memcached -l 127.0.0.1 -p @PORT@ -U 0 -m 64 -d \
        -P "$workdir/memcached.pid" "${memcached_user[@]}" >"$workdir/memcached.port" \
        || { say "memcached did not start:"; cat "$workdir/memcached.log" >&2 || true; exit 1; }
    export CACHESCOPE_TEST_MEMCACHED="127.0.0.1:$(cat "$workdir/memcached.port")"
    say "memcached $(memcached -V | awk '{print $2}') on $CACHESCOPE_TEST_MEMCACHED"
fi

# --- 3. the tests --------------------------------------------------------------------------------
say "swift build (the binary the command-line tests run)"
run swift build
say "swift test $*"
status=0
run bash -c 'swift test "$@" 2>&1 | tee "$0"; exit "${PIPESTATUS[0]}"' "$workdir/test.log" "$@" || status=$?
if [ "$status" -eq 0 ] && ! grep -Eq 'Test run with [1-9][0-9]* tests?.* passed|Executed [1-9][0-9]* tests?, with 0 failures' "$workdir/test.log"; then
    say "swift test exited 0 but no test ran"
    status=1
fi
[ "$status" -eq 0 ] && say "all tests passed" || say "tests FAILED (exit $status)"
exit "$status"

#!/usr/bin/env bash
# The test command (README): installs what is missing, checks the code's format, starts redis-server and
# memcached on spare loopback ports, runs `swift test` with their addresses in the environment, and always stops the
# servers it started. Extra arguments go to `swift test` (e.g. scripts/test.sh --filter Memoize). Without
# arguments it then runs `scripts/bench.sh --quick` (every benchmark comparison once on small data, so the
# scripts cannot rot; SKIP_BENCH_CHECK=1 skips it).
#
#   CACHESCOPE_TEST_REDIS=127.0.0.1:<port>      CACHESCOPE_TEST_MEMCACHED=127.0.0.1:<port>
#   CACHESCOPE_TEST_CLUSTER=127.0.0.1:<port>,127.0.0.1:<port>,127.0.0.1:<port>   (a 3-master Redis Cluster)
#   CACHESCOPE_TEST_TLS=127.0.0.1:<port>   CACHESCOPE_TEST_TLS_DIR=<dir with ca.crt, client.crt/key, other-ca.crt>
#                                          (redis-server's TLS port, client certificates required)
#   Managed-service emulation: CACHESCOPE_TEST_RENAMED=127.0.0.1:<port> (CONFIG, MONITOR, EVAL, EVALSHA, SCRIPT,
#   SLOWLOG, LATENCY, MEMORY, DEBUG, COMMAND renamed away) and CACHESCOPE_TEST_ACL_URL=redis://user:pw@… (a user
#   of the first redis-server without @admin and @scripting)
#   Bastions: CACHESCOPE_TEST_SSH_CONFIG=<ssh config file> with the Host aliases cachescope-bastion (a throwaway sshd on
#   loopback, its host key known) and cachescope-bastion-unknown (the same, its host key unknown)
#   CACHESCOPE_TEST_MEMCACHED_TLS=127.0.0.1:<port> (memcached -Z, certificate from CACHESCOPE_TEST_TLS_DIR)
#   CACHESCOPE_TEST_MEMCACHED_AUTH=user:password@127.0.0.1:<port> (memcached -Y)
#   CACHESCOPE_TEST_MATRIX="valkey 8.0.1 127.0.0.1:<port>;valkey 8.0.1 127.0.0.1:<port> tls;valkey 8.1.8 …;valkey 9.1.2 …;redis 8.2.3 …"
#                                          (scripts/lib/server-matrix.sh: Valkey from bookworm-backports and PyPI wheels)
#
# Never touches 6379/11211: a developer's own servers are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=test.sh
source scripts/lib/servers.sh
source scripts/lib/server-matrix.sh

# --- 1. what the tests need -------------------------------------------------------------------
missing=()
[ -e /usr/include/ncurses.h ] || [ -e /usr/include/ncursesw/ncurses.h ] || missing+=(libncurses-dev)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v memcached >/dev/null 2>&1 || missing+=(memcached)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# cachescope serve is compared with the real programs: redis_exporter's output, and a Prometheus that scrapes it.
command -v prometheus-redis-exporter >/dev/null 2>&1 || missing+=(prometheus-redis-exporter)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
# Bastions: a throwaway sshd, reached with the OpenSSH client.
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
# Sentinel-managed Redis is tested with the real redis-sentinel.
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || say "continuing: tests that need a missing server are skipped."
fi

# --- 2. the code's format (.swift-format; `swift format format -i -r Sources Tests Benchmarks Package.swift` fixes it)
say "swift format lint (.swift-format)"
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift || {
    say "the format differs from .swift-format: run swift format format -i -r Sources Tests Benchmarks Package.swift"
    exit 1
}

# --- 3. servers on spare loopback ports --------------------------------------------------------
servers_init
# The dashboard keeps its sort in the configuration file ([ui]); a run without --config would make one under
# $XDG_CONFIG_HOME. The tests get a configuration home of their own, never the developer's.
export XDG_CONFIG_HOME="$workdir/config-home"
mkdir -p "$XDG_CONFIG_HOME"
reap_pattern='cachescope-(redis|memcached|sshd)-[0-9]+-'
unset CACHESCOPE_TEST_REDIS CACHESCOPE_TEST_MEMCACHED CACHESCOPE_TEST_CLUSTER CACHESCOPE_TEST_TLS CACHESCOPE_TEST_TLS_DIR \
    CACHESCOPE_TEST_ACL_URL CACHESCOPE_TEST_RENAMED CACHESCOPE_TEST_MATRIX CACHESCOPE_TEST_SSH_CONFIG CACHESCOPE_TEST_MEMCACHED_TLS \
    CACHESCOPE_TEST_MEMCACHED_AUTH
if command -v redis-server >/dev/null 2>&1; then
    start_redis "${acl_user_arguments[@]}" >"$workdir/redis.port" || { say "redis-server did not start:"; cat "$workdir/redis.log" >&2 || true; exit 1; }
    export CACHESCOPE_TEST_REDIS="127.0.0.1:$(cat "$workdir/redis.port")"
    export CACHESCOPE_TEST_ACL_URL="redis://$acl_user:$acl_password@$CACHESCOPE_TEST_REDIS"
    say "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $CACHESCOPE_TEST_REDIS (and as the user $acl_user, without @admin and @scripting)"
    # Managed-service emulation: the commands managed services refuse, renamed away.
    start_redis_renamed >"$workdir/redis-renamed.port" || {
        say "redis-server with renamed commands did not start:"
        cat "$workdir/redis-renamed.log" >&2 || true
        exit 1
    }
    export CACHESCOPE_TEST_RENAMED="127.0.0.1:$(cat "$workdir/redis-renamed.port")"
    say "redis-server without ${renamed_commands[*]} (renamed away) on $CACHESCOPE_TEST_RENAMED"
fi
if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    start_redis_cluster >"$workdir/cluster.addresses" || {
        say "the test Redis Cluster could not be created:"
        cat "$workdir/cluster-create.log" "$workdir"/cluster*.log >&2 2>/dev/null || true
        exit 1
    }
    export CACHESCOPE_TEST_CLUSTER="$(cat "$workdir/cluster.addresses")"
    say "Redis Cluster (3 masters) on $CACHESCOPE_TEST_CLUSTER"
fi
if command -v redis-server >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
    make_test_certificates "$workdir/tls" || { say "openssl could not make the test certificates"; exit 1; }
    start_redis_tls "$workdir/tls" >"$workdir/redis-tls.port" || {
        say "redis-server with TLS did not start:"
        cat "$workdir/redis-tls.log" >&2 || true
        exit 1
    }
    export CACHESCOPE_TEST_TLS="127.0.0.1:$(cat "$workdir/redis-tls.port")" CACHESCOPE_TEST_TLS_DIR="$workdir/tls"
    say "redis-server with TLS (client certificates required) on $CACHESCOPE_TEST_TLS"
fi
if command -v openssl >/dev/null 2>&1 && [ -s "$workdir/tls/server.crt" ]; then
    # The server matrix: Valkey 8.0 (with TLS), 8.1 and 9.1, Redis 8.2.
    start_server_matrix "$workdir/tls" >"$workdir/matrix" || true
    export CACHESCOPE_TEST_MATRIX="$(cat "$workdir/matrix")"
    say "server matrix: ${CACHESCOPE_TEST_MATRIX:-none}"
fi
if command -v memcached >/dev/null 2>&1; then
    start_memcached -m 64 >"$workdir/memcached.port" || { say "memcached did not start:"; cat "$workdir/memcached.log" >&2 || true; exit 1; }
    export CACHESCOPE_TEST_MEMCACHED="127.0.0.1:$(cat "$workdir/memcached.port")"
    say "memcached $(memcached -V | awk '{print $2}') on $CACHESCOPE_TEST_MEMCACHED"
fi
if command -v memcached >/dev/null 2>&1 && [ -s "$workdir/tls/server.crt" ]; then
    start_memcached_tls "$workdir/tls" >"$workdir/memcached-tls.port" || {
        say "memcached -Z did not start:"
        cat "$workdir/memcached-tls.log" >&2 || true
        exit 1
    }
    export CACHESCOPE_TEST_MEMCACHED_TLS="127.0.0.1:$(cat "$workdir/memcached-tls.port")"
    say "memcached with TLS (-Z) on $CACHESCOPE_TEST_MEMCACHED_TLS"
fi
if command -v memcached >/dev/null 2>&1; then
    start_memcached_auth cachescope-user memcached-secret >"$workdir/memcached-auth.port" || {
        say "memcached -Y did not start:"
        cat "$workdir/memcached-auth.log" >&2 || true
        exit 1
    }
    export CACHESCOPE_TEST_MEMCACHED_AUTH="cachescope-user:memcached-secret@127.0.0.1:$(cat "$workdir/memcached-auth.port")"
    say "memcached with a login (-Y) on ${CACHESCOPE_TEST_MEMCACHED_AUTH#*@}"
fi
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1; then
    if start_sshd "$workdir/ssh" >"$workdir/sshd.port"; then
        export CACHESCOPE_TEST_SSH_CONFIG="$workdir/ssh/ssh_config"
        say "sshd (a bastion: ssh -F $CACHESCOPE_TEST_SSH_CONFIG cachescope-bastion) on 127.0.0.1:$(cat "$workdir/sshd.port")"
    else
        say "sshd did not start (it needs root): the tests through a bastion are skipped"
        cat "$workdir/sshd.log" >&2 2>/dev/null || true
    fi
fi

# --- 4. the tests --------------------------------------------------------------------------------
say "swift build (the binary the command-line tests run)"
run swift build
say "swift test $*"
status=0
# A hung test must not eat CI's whole time: the test phase (building the tests included) gets
# TEST_TIME_LIMIT seconds (default 1800; about 5 minutes on a warm build), then says which tests never ended.
limit=${TEST_TIME_LIMIT:-1800}
run bash -c 'timeout --kill-after=30s "$1" stdbuf -oL -eL swift test "${@:2}" 2>&1 | tee "$0"; exit "${PIPESTATUS[0]}"' "$workdir/test.log" "$limit" "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    say "swift test did not end within $limit s; tests that started and never ended:"
    sed -n 's/^◇ Test \(.*\) started\.$/\1/p' "$workdir/test.log" | sort -u >"$workdir/started.txt"
    sed -n -e 's/^[✔✘] Test \(.*\) with [0-9]* test cases \(passed\|failed\) after.*/\1/p' \
        -e 's/^[✔✘] Test \(.*\) \(passed\|failed\) after.*/\1/p' "$workdir/test.log" | sort -u >"$workdir/ended.txt"
    comm -23 "$workdir/started.txt" "$workdir/ended.txt" | grep -v -e '^case passing' -e '^run$' | sed 's/^/  /' >&2 || true
    pkill -KILL -f "$PWD/.build/.*PackageTests.xctest" 2>/dev/null || true
fi
if [ "$status" -eq 0 ] && ! grep -Eq 'Test run with [1-9][0-9]* tests?.* passed|Executed [1-9][0-9]* tests?, with 0 failures' "$workdir/test.log"; then
    say "swift test exited 0 but no test ran"
    status=1
fi
[ "$status" -eq 0 ] && say "all tests passed" || { say "tests FAILED (exit $status)"; exit "$status"; }

# --- 5. the benchmark scripts, once on small data (they must not rot; the figures mean nothing) -------
if [ -z "${SKIP_BENCH_CHECK:-}" ] && [ $# -eq 0 ]; then
    say "scripts/bench.sh --quick (each comparison once, debug build, small data)"
    run scripts/bench.sh --quick >"$workdir/bench-quick.log" 2>&1 || {
        tail -40 "$workdir/bench-quick.log" >&2
        say "the benchmark scripts FAILED"
        exit 1
    }
    say "the benchmark scripts ran (SKIP_BENCH_CHECK=1 skips this)"
fi
exit 0

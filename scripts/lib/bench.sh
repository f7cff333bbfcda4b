# Helpers shared by the benchmark scripts (source after scripts/lib/servers.sh and set $results).

# record CASE TOOL VALUE [UNIT] — one measurement (unit: s by default).
record() { printf '{"case":"%s","tool":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3" "${4:-s}" >>"$results"; }

# seconds_of COMMAND… — runs it (output discarded) and prints how many seconds it took.
seconds_of() { python3 -c 'import sys,time; t=time.perf_counter(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(time.perf_counter()-t)' "$@"; }

# peak_mb_of OUTPUT COMMAND… — runs it with its output in OUTPUT and prints its peak resident memory in MB.
peak_mb_of() {
    local output=$1
    shift
    /usr/bin/time -v "$@" >"$output" 2>"$workdir/time.txt"
    python3 -c "import sys; print(int(sys.argv[1]) / 1024)" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$workdir/time.txt")"
}

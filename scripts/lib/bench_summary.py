"""Prints every target of the benchmark suite, met or missed, from bench-results.json (written by the
scripts/bench-*.sh that ran): the ratios whose label carries "(target ≥ X" or "(target ≤ X", and the
absolute targets below. Exit status 0 either way: a missed target is reported, not a crash.

usage: bench_summary.py [bench-results.json]"""
import json, re, sys

path = sys.argv[1] if len(sys.argv) > 1 else "bench-results.json"
results = json.load(open(path))

# Absolute targets: (section, case pattern — a regular expression matched at the start of the case name —,
# tool, comparison, bound, what[, statistic]); the statistic is the
# median unless given: "worst" is the least favourable run (the minimum for ≥, the maximum for ≤), for a
# target every run must meet.
ABSOLUTE = [
    ("redis", r"invalidate-.*-speedup-per-run$", "cachescope", "≥", 2.0, "prefix invalidation, one server: best peer time / ours, worst run", "worst"),
    ("redis", r"invalidate-.*-concurrent-ping-p99$", "cachescope", "≤", 5.0, "prefix invalidation, one server: p99 of another client's PING, ms"),
    ("cluster", r"invalidate-.*-concurrent-ping-p99$", "cachescope", "≤", 5.0, "prefix invalidation, 3 masters: p99 of another client's PING, ms"),
    ("dashboard", "dashboard-idle-3-backends-cpu", "cachescope", "≤", 1.0, "dashboard idle on 3 backends, % of a core"),
    ("dashboard", "dashboard-idle-3-backends-rss", "cachescope", "≤", 40.0, "dashboard idle on 3 backends, RSS MB"),
    ("dashboard", "dashboard-first-page-of-", "cachescope", "≤", 0.2, "key listing: first page, s"),
    ("analyze", "analyze-1M-worst-error", "cachescope", "≤", 10.0, "keyspace sample: worst error of a prefix with ≥ 5% of the keys, %"),
    ("analyze", "analyze-1M-concurrent-ping-p99", "cachescope", "≤", 5.0, "keyspace analysis: p99 of another client's PING, ms"),
    ("analyze", "analyze-all-1M-peak-memory", "cachescope", "≤", 100.0, "keyspace analysis of every key: peak memory, MB"),
    ("traffic", "monitor-stream-rate", "cachescope", "≥", 300000.0, "MONITOR stream parsed and counted, lines/s"),
    ("traffic", "watch-stream-rate", "cachescope", "≥", 300000.0, "memcached watch stream parsed and counted, lines/s"),
    ("traffic", "monitor-stream-counting-memory", "cachescope", "≤", 50.0, "MONITOR stream: memory counting holds, MB"),
    ("traffic", "watch-stream-counting-memory", "cachescope", "≤", 50.0, "watch stream: memory counting holds, MB"),
    ("traffic-methods", r"monitor(\+keymiss(-existing)?)?-(reads|writes)-worst-error$", "cachescope", "≤", 3.0, "traffic by MONITOR: worst per-prefix error of reads and writes, %", "worst"),
    ("traffic-methods", "tracking-writes-worst-error", "cachescope", "≤", 3.0, "traffic by key tracking: worst per-prefix error of writes, %", "worst"),
    ("traffic-methods", r".*-hitRatio-worst-error$", "cachescope", "≤", 3.0, "traffic with key-miss events: worst per-prefix hit-ratio error, points", "worst"),
    ("health", "health-read-1000-clients", "cachescope", "≤", 50.0, "server health, 1,000 clients and 128 slow-log entries: one reading, ms"),
    ("health", "dashboard-idle-health-open-cpu", "cachescope", "≤", 1.0, "dashboard idle with Health open on 1,000 clients, % of a core"),
    ("serve", "scrape-3-backends", "cachescope", "≤", 20.0, "serve: one scrape of 3 backends, ms"),
    ("serve", "serve-idle-3-backends-cpu", "cachescope", "≤", 1.0, "serve idle on 3 backends (a scrape every 15 s), % of a core"),
    ("fleet", "fleet-200-first-screen", "cachescope", "≤", 2.0, "200 backends (and a dead and a hung one): first full screen, s"),
    ("fleet", "fleet-200-idle-cpu", "cachescope", "≤", 2.0, "dashboard idle on 200 backends, % of a core"),
    ("fleet", "fleet-200-idle-rss", "cachescope", "≤", 80.0, "dashboard idle on 200 backends, RSS MB"),
    ("fleet", "fleet-200-connections-per-server", "cachescope", "≤", 1.0, "connections cachescope holds per server"),
    ("fleet", r"frame-200-backends-", "cachescope", "≤", 10.0, "a frame with 200 backends (new snapshot + whole screen), ms"),
    ("fleet", "snapshot-200-live-backends", "cachescope", "≤", 2.0, "snapshot of 200 backends, default interval, s"),
    ("fleet", "scrape-200-backends", "cachescope", "≤", 200.0, "serve: one scrape of 200 backends, ms"),
    ("record", "recording-24h-10-backends-size", "cachescope", "≤", 50.0, "a recording of 24 h × 10 backends, MB"),
    ("record", "replay-24h-10-backends-first-frame", "cachescope", "≤", 1.0, "replay of 24 h: the first frame, s"),
    ("record", "replay-24h-10-backends-jump-max", "cachescope", "≤", 100.0, "replay of 24 h: a jump read and drawn, ms (the slowest)"),
    ("record", "forecast-linear-fill-worst-error", "cachescope", "≤", 15.0, "forecast of a linear fill after a tenth, worst error %"),
]

rows = []
for section, data in results.items():
    for label, value in data.get("ratios", {}).items():
        match = re.search(r"target ([≥≤]) ([0-9.]+)", label)
        if match:
            op, bound = match.group(1), float(match.group(2))
            met = value >= bound if op == "≥" else value <= bound
            rows.append((section, label, f"{value:.2f}", f"{op} {bound:g}", "met" if met else "MISSED"))
for section, pattern, tool, op, bound, what, *statistic in ABSOLUTE:
    for case, tools in results.get(section, {}).get("summary", {}).items():
        if re.match(pattern, case) and tool in tools:
            runs = tools[tool].get("runs") or [tools[tool]["median"]]
            worst = min(runs) if op == "≥" else max(runs)
            value = worst if statistic == ["worst"] else tools[tool]["median"]
            met = value <= bound if op == "≤" else value >= bound
            rows.append((section, f"{what} ({case})", f"{value:.2f}", f"{op} {bound:g}", "met" if met else "MISSED"))

print("| suite | what | measured | target | |")
print("|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
missed = sum(1 for row in rows if row[-1] == "MISSED")
print(f"\n{len(rows) - missed} of {len(rows)} targets met.")

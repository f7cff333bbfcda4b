"""Summarises benchmark results (one JSON object per line: case, tool, value, unit) as a Markdown table of
medians and spreads, prints the requested ratios, and stores both under SECTION in bench-results.json.

usage: bench_report.py RESULTS SECTION [--ratio LABEL CASE NUMERATOR DENOMINATOR]...
A ratio is median(NUMERATOR) / median(DENOMINATOR) within CASE; a tool named "best-peer" stands for the
fastest tool other than cachescope (the smallest median, as for times), and TOOL@OTHERCASE takes the tool's
median from another case."""
import json, os, platform, statistics, sys

args = sys.argv[1:]
results, section, rest = args[0], args[1], args[2:]
ratio_specs = []
while rest:
    if rest[0] != "--ratio" or len(rest) < 5:
        sys.exit("usage: bench_report.py RESULTS SECTION [--ratio LABEL CASE NUMERATOR DENOMINATOR]...")
    ratio_specs.append(rest[1:5])
    rest = rest[5:]

rows = [json.loads(line) for line in open(results) if line.strip()]
cases, units = {}, {}
for row in rows:
    cases.setdefault(row["case"], {}).setdefault(row["tool"], []).append(row["value"])
    units[row["case"]] = row.get("unit", "s")

summary = {}
print("| case | tool | median | min | max | runs |")
print("|---|---|---|---|---|---|")
for case, tools in cases.items():
    unit = units[case]
    summary[case] = {}
    fmt = (lambda v: f"{v:,.0f}") if unit.endswith("/s") else (lambda v: f"{v:.2f}")
    for tool, values in tools.items():
        med = statistics.median(values)
        summary[case][tool] = {"median": med, "min": min(values), "max": max(values), "runs": values, "unit": unit}
        shown = tool.replace("|", "\\|")
        print(f"| {case} | {shown} | {fmt(med)} {unit} | {fmt(min(values))} | {fmt(max(values))} | {len(values)} |")


def median_of(case, tool):
    if "@" in tool:
        tool, case = tool.split("@", 1)
    tools = summary.get(case, {})
    if tool == "best-peer":
        peers = [v["median"] for name, v in tools.items() if name != "cachescope"]
        return min(peers) if peers else None
    return tools.get(tool, {}).get("median")


ratios = {}
for label, case, numerator, denominator in ratio_specs:
    top, bottom = median_of(case, numerator), median_of(case, denominator)
    if top is not None and bottom:
        ratios[label] = top / bottom
print()
for name, value in ratios.items():
    print(f"- {name}: {value:.2f}")

existing = {}
if os.path.exists("bench-results.json"):
    try:
        existing = json.load(open("bench-results.json"))
    except Exception:
        existing = {}
existing[section] = {"summary": summary, "ratios": ratios, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()}}
json.dump(existing, open("bench-results.json", "w"), indent=2)

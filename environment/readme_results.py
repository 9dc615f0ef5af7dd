#!/usr/bin/env python3
"""Writes the results table of a runner report into README.md, between the markers
<!-- results:start --> and <!-- results:end -->.

usage: /usr/bin/python3 environment/readme_results.py [target/notebooks/results.json] [README.md]

The table lists every metric each notebook recorded (Results.record), with the notebook's status,
profile, wall time and peak kernel memory, so the README shows exactly what the last main-job run measured; the sentence above
it says in which mode (reproducible or not) and on which machine it was made (environment/machine.py).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402  (the sentence about the machine and the reproducible mode)

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def fmt(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def table(results):
    lines = ["| notebook | profile | status | seconds | peak memory (MB) | metric | value |",
             "|---|---|---|---:|---:|---|---:|"]
    for entry in results:
        metrics = entry.get("metrics") or {"(none recorded)": ""}
        first = True
        for name, value in metrics.items():
            head = (f"| {entry['notebook']} | {entry['profile']} | {entry['status']} | {entry['seconds']:.0f} "
                    f"| {entry.get('peak_rss_mb', '?')} " if first else "| | | | | ")
            lines.append(f"{head}| {name} | {fmt(value)} |")
            first = False
    return "\n".join(lines)


def main(argv):
    results_path = argv[1] if len(argv) > 1 else "target/notebooks/results.json"
    readme_path = argv[2] if len(argv) > 2 else "README.md"
    if not os.path.isfile(results_path):
        sys.exit(f"readme_results: {results_path} not found: run bash environment/run.sh first")
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)
    with open(readme_path, encoding="utf-8") as f:
        text = f.read()
    if START not in text or END not in text or text.index(START) > text.index(END):
        sys.exit(f"readme_results: {readme_path} lacks the markers {START} ... {END}")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    new = f"{before}{START}\n{machine.readme_line(results)}\n\n{table(results)}\n{END}{after}"
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write(new)
    print(f"readme_results: {len(results)} notebook(s) written into {readme_path}")


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Compares the recorded metrics of two notebook runs and prints every metric that differs.

    python3 environment/compare_results.py A B [--all] [--notebooks 02-mlp,03-cnn-lenet]

A and B are output folders of environment/execute-notebooks.sh (or run.sh: target/notebooks), or their
results.json files. A folder without results.json (a run still going, or stopped) is read from its
metrics/*.jsonl. Timings (metrics named *seconds, *_per_s, *_per_second) differ from run to run and are left out
unless --all is given. Only notebooks present in both runs are compared; the others are listed.
Exit status: 0 when every compared metric is identical (bit for bit, as recorded), 1 otherwise.
"""
import argparse
import glob
import json
import os
import sys


def is_timing(name):
    return name.endswith("seconds") or name.endswith("_per_s") or name.endswith("_per_second")


def load(path):
    """notebook name -> {metric: value}"""
    results = path if path.endswith(".json") else os.path.join(path, "results.json")
    if os.path.isfile(results):
        with open(results, encoding="utf-8") as f:
            return {e["notebook"]: e.get("metrics", {}) for e in json.load(f)}
    runs = {}
    for jsonl in sorted(glob.glob(os.path.join(path, "metrics", "*.jsonl"))):
        metrics = {}
        with open(jsonl, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    m = json.loads(line)
                    metrics[m["name"]] = m["value"]
        runs[os.path.basename(jsonl)[: -len(".jsonl")]] = metrics
    if not runs:
        raise SystemExit(f"error: {path} has neither results.json nor metrics/*.jsonl")
    return runs


def differences(a, b, notebooks=(), timings=False):
    """Every metric that differs between two loaded runs (see load).

    Returns (rows of (notebook, metric, value in a, value in b), number of metrics compared, the notebooks
    compared, the notebooks in one run only); timings are left out unless timings is true.
    """
    names = [n for n in sorted(set(a) & set(b)) if not notebooks or n in notebooks]
    rows, compared = [], 0
    for nb in names:
        for metric in sorted(set(a[nb]) | set(b[nb])):
            if is_timing(metric) and not timings:
                continue
            compared += 1
            va, vb = a[nb].get(metric, "(missing)"), b[nb].get(metric, "(missing)")
            if va != vb:
                rows.append((nb, metric, va, vb))
    return rows, compared, names, sorted(set(a) ^ set(b))


def print_rows(rows, a, b):
    """Prints the differing metrics as a markdown table, one row each: notebook, metric, run a's value, run b's."""
    print(f"| notebook | metric | {a} | {b} |\n|---|---|---:|---:|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--all", action="store_true", help="compare timings too")
    ap.add_argument("--notebooks", default="", help="comma-separated names (default: all in both runs)")
    args = ap.parse_args(argv)
    rows, compared, names, only = differences(load(args.a), load(args.b),
                                              [n for n in args.notebooks.split(",") if n], args.all)
    print(f"compared {compared} metrics of {len(names)} notebooks"
          + (f" (timings left out)" if not args.all else "")
          + (f"; in one run only: {', '.join(only)}" if only else ""))
    if rows:
        print_rows(rows, args.a, args.b)
        print(f"{len(rows)} metric(s) differ")
        return 1
    print("every compared metric is identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())

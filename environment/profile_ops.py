"""Where a benchmark epoch's native time goes, side by side: reads the Chrome traces that PyTorch's profiler wrote
for the Java side and the Python side (bench.sh with NNZOO_BENCH_PROFILE=FILE.json on each side; both record the
second epoch) and prints, per operator, the calls and the self time (time not spent in nested operators) per step.

    python3 environment/profile_ops.py JAVA.json PYTHON.json --steps N [--top 30] [--shapes aten::mm,aten::addmm]

--shapes: also the calls and total time per step of those operators by input shapes (traces recorded with
NNZOO_BENCH_PROFILE_SHAPES=1 on both sides; DJL writes the shapes as "shape", PyTorch as args "Input Dims").

A caution (BENCHMARKS.md, fourteenth session): the profiler grows the Java process (2.9 GB against 1.8 GB for the
U-Net row) and its self times on the largest arrays came out 3-7 times the peer's where unprofiled loops show 1.3
times; compare convolutions with onednn_compare.py (oneDNN's own clock) and the rest with NNZOO_FIT_PHASES.

N: the steps (batches) of the profiled epoch, the same on both sides. Self times are summed over all threads of
the process (OpenMP workers included); "top-level" counts the calls not nested in another operator, i.e. the
native calls the training loop made itself (on the Java side: one JNI call each).
"""
import argparse
import collections
import json


def operator_events(path):
    """The complete ("X") operator events of a Chrome trace, as both sides' profilers write it."""
    with open(path) as f:
        t = json.load(f)
    return [e for e in (t["traceEvents"] if isinstance(t, dict) else t)
            if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in ("cpu_op", "user_annotation", "Operator")]


def summarize(events):
    calls, self_us, top = collections.Counter(), collections.Counter(), 0
    by_tid = collections.defaultdict(list)
    for e in events:
        by_tid[(e.get("pid"), e.get("tid"))].append(e)
    for evs in by_tid.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [event, child time]
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and float(stack[-1][0]["ts"]) + float(stack[-1][0]["dur"]) <= ts:
                done = stack.pop()
                self_us[done[0]["name"]] += float(done[0]["dur"]) - done[1]
            if stack:
                stack[-1][1] += dur
            elif not e["name"].startswith(("Optimizer.", "autograd::engine")):
                top += 1
            calls[e["name"]] += 1
            stack.append([e, 0.0])
        while stack:
            done = stack.pop()
            self_us[done[0]["name"]] += float(done[0]["dur"]) - done[1]
    return calls, self_us, top


def by_shape(events, ops):
    """Total time (not self time) and calls of the operators in ops, by their input shapes."""
    calls, us = collections.Counter(), collections.Counter()
    for e in events:
        if e["name"] in ops:
            dims = e.get("shape") or e.get("args", {}).get("Input Dims") or []
            key = (e["name"], str([d for d in dims if d]))
            calls[key] += 1
            us[key] += float(e["dur"])
    return calls, us


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("java")
    ap.add_argument("python")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--shapes", default="", help="comma-separated operators to break down by input shapes")
    a = ap.parse_args()
    java, python = operator_events(a.java), operator_events(a.python)
    (jc, js, jt), (pc, ps, pt) = summarize(java), summarize(python)
    n = a.steps
    print(f"per step: top-level operator calls Java {jt / n:.1f}, Python {pt / n:.1f}; all operator calls Java "
          f"{sum(jc.values()) / n:.1f}, Python {sum(pc.values()) / n:.1f}; self time Java {sum(js.values()) / n:.0f} us, "
          f"Python {sum(ps.values()) / n:.0f} us")
    names = sorted(set(js) | set(ps), key=lambda k: -max(js[k], ps[k]))[:a.top]
    print(f"| operator | Java calls/step | Java self us/step | Python calls/step | Python self us/step |")
    print("|---|---:|---:|---:|---:|")
    for k in names:
        print(f"| {k} | {jc[k] / n:.1f} | {js[k] / n:.1f} | {pc[k] / n:.1f} | {ps[k] / n:.1f} |")
    ops = [o for o in a.shapes.split(",") if o]
    if ops:
        (jn, ju), (pn, pu) = by_shape(java, ops), by_shape(python, ops)
        print(f"\n| operator | input shapes | Java calls/step | Java us/step | Python calls/step | Python us/step |")
        print("|---|---|---:|---:|---:|---:|")
        for k in sorted(set(ju) | set(pu), key=lambda k: -max(ju[k], pu[k])):
            print(f"| {k[0]} | {k[1]} | {jn[k] / n:.1f} | {ju[k] / n:.0f} | {pn[k] / n:.1f} | {pu[k] / n:.0f} |")


if __name__ == "__main__":
    main()

"""Where a benchmark row's convolution time goes, side by side, by oneDNN's own clock: reads the output of a Java
and a Python process run with ONEDNN_VERBOSE=1 (each executed oneDNN primitive prints one line with its kernel and
its time) and prints, per primitive, direction and shape, the calls and the milliseconds on each side, the kernels
each side ran, and the totals. Unlike PyTorch's profiler (profile_ops.py), it adds nothing to the process's memory,
so it does not move the timings it measures.

    NNZOO_DATA=../shared/datasets bash environment/bench.sh --models unet --threads 1 --rounds 1 \\
        --java-env ONEDNN_VERBOSE=1 --python-env ONEDNN_VERBOSE=1 --log-dir target/bench/logs
    python3 environment/onednn_compare.py target/bench/logs/1-unet-java-r1.log target/bench/logs/1-unet-pip-r1.log

Both processes must have run the same steps (bench.sh gives both sides the same arguments); --steps N divides the
milliseconds by N. The warm-up epoch is included on both sides. Reads oneDNN 3.x's primitive lines (DJL's
PyTorch 2.7.1 has oneDNN 3.7.1, the wheel 3.12); oneDNN Graph's lines, which neither side's training writes, are
left out; a reorder's row names its two layouts (src -> dst).
"""
import argparse
import collections
import statistics
import sys


def primitives(path):
    """(primitive, direction, shape) -> [(kernel, ms)] from the 'onednn_verbose,...,primitive,exec,...' lines."""
    out = collections.defaultdict(list)
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("onednn_verbose,") or ",primitive,exec," not in line:
                continue
            fields = line.rstrip("\n").split(",")
            # onednn_verbose,[timestamp,]v1,primitive,exec,cpu,PRIMITIVE,KERNEL,DIRECTION,MEMORY,ATTR,AUX,SHAPE,MS
            i = fields.index("exec")
            try:
                prim, kernel, direction, shape, ms = (fields[i + 2], fields[i + 3], fields[i + 4], fields[i + 8],
                                                      float(fields[i + 9]))
            except (IndexError, ValueError):
                continue
            if prim == "reorder":  # one row per conversion: the shape and the two layouts, src -> dst
                shape += " " + "->".join(layouts(fields[i + 5]))
            out[(prim, direction, shape)].append((kernel, ms))
    return out


def layouts(descriptors):
    """['abcd', 'Acdb16a'] from 'src:f32::blocked:abcd::f0 dst:f32::blocked:Acdb16a::f0'."""
    tags = []
    for md in descriptors.split():
        parts = md.split(":")
        tags.append(parts[4] if len(parts) > 4 and parts[4] else "?")
    return tags


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("java", help="the Java process's output (ONEDNN_VERBOSE=1)")
    ap.add_argument("python", help="the Python process's output (ONEDNN_VERBOSE=1)")
    ap.add_argument("--steps", type=int, default=1, help="divide the milliseconds by this many steps")
    ap.add_argument("--top", type=int, default=30, help="rows to print, largest first")
    a = ap.parse_args()
    sides = [primitives(a.java), primitives(a.python)]
    for path, side in zip((a.java, a.python), sides):
        if not side:
            sys.exit(f"onednn_compare: no 'onednn_verbose,...,exec' lines in {path}; run that side with ONEDNN_VERBOSE=1")
    n = a.steps
    keys = sorted(set(sides[0]) | set(sides[1]),
                  key=lambda k: -sum(ms for s in sides for _, ms in s.get(k, [])))
    total = [sum(ms for v in s.values() for _, ms in v) / n for s in sides]
    print(f"oneDNN time per {'step' if n > 1 else 'process'}: Java {total[0]:.1f} ms, Python {total[1]:.1f} ms"
          f" (Java/Python {total[0] / total[1]:.3f}); {len(keys)} primitive shapes")
    print("| primitive | direction | shape | Java calls | Java ms | Python calls | Python ms | Java/Python median call"
          " | kernels Java / Python |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for k in keys[:a.top]:
        j, p = sides[0].get(k, []), sides[1].get(k, [])
        p_median = statistics.median(ms for _, ms in p) if p else 0
        ratio = f"{statistics.median(ms for _, ms in j) / p_median:.2f}" if j and p_median > 0 else "-"
        kernels = " / ".join(",".join(sorted({kern for kern, _ in s})) or "-" for s in (j, p))
        print(f"| {k[0]} | {k[1]} | {k[2]} | {len(j) / n:g} | {sum(ms for _, ms in j) / n:.2f} | {len(p) / n:g} |"
              f" {sum(ms for _, ms in p) / n:.2f} | {ratio} | {kernels} |")


if __name__ == "__main__":
    main()

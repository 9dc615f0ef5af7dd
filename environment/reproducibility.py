#!/usr/bin/env python3
"""Runs notebooks under several CPU settings, one run after the other, and prints every recorded metric
that differs from its reference run (timings left out), plus the seconds per notebook of every run.

    /usr/bin/python3 environment/reproducibility.py [--profile P] [--out DIR] [--configs a,b,...]
                                                      [--keep] [notebook...]

Each configuration is the reproducible mode on or off plus caps on what each library that dispatches on
the CPU may use; every "on-..." run is compared with "on", every "off-..." run with "off":

  on            NNZOO_REPRODUCIBLE=1, the default (the reference of the on-... runs)
  on-avx2       the mode, with this CPU capped to AVX2 for every library: oneMKL (MKL_ENABLE_INSTRUCTIONS=AVX2),
                oneDNN (ONEDNN_MAX_CPU_ISA=AVX2), ATen (ATEN_CPU_CAPABILITY=avx2), the JVM (-XX:UseAVX=2
                -XX:MaxVectorSize=32: 256-bit Vector API and C2 vectors): an AVX2-only CPU as the libraries see it
  on-sse        the mode, the JVM limited to SSE (-XX:UseAVX=0 -XX:MaxVectorSize=16)
  on-libm       the mode, HotSpot's Math intrinsics off (-XX:-UseLibmIntrinsic: StrictMath's fdlibm instead)
  on-1t         the mode with 1 PyTorch thread instead of 2
  off           NNZOO_REPRODUCIBLE=0: PyTorch as DJL ships it (the reference of the off-... runs)
  off-mkl       MKL_ENABLE_INSTRUCTIONS=AVX2
  off-onednn    ONEDNN_MAX_CPU_ISA=AVX2
  off-aten      ATEN_CPU_CAPABILITY=avx2
  off-jvm       -XX:UseAVX=2 -XX:MaxVectorSize=32
  off-avx2      all four caps at once (what an AVX2-only CPU gives without the mode)
  off-1t        1 PyTorch thread

Default configurations: on,on-avx2. Output: DIR/<configuration>/ (results.json, executed notebooks; default
target/reproducibility). Exit status 1 when an on-... run other than on-1t and on-libm differs from "on"
(the mode's promise), else 0. Needs `mvn -DskipTests -DskipNotebooks package` first; NNZOO_DATA as for the
notebooks. Environment variables of the caller that a configuration sets are overridden for that run.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare_results  # noqa: E402  (the same loader and timing filter)

AVX2_JVM = "-XX:UseAVX=2 -XX:MaxVectorSize=32"
ON = {"NNZOO_REPRODUCIBLE": "1"}
OFF = {"NNZOO_REPRODUCIBLE": "0"}
CAPS = {"MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}
# name: (environment, JVM options, reference configuration, must equal the reference)
CONFIGS = {
    "on": (ON, "", None, True),
    "on-avx2": ({**ON, **CAPS}, AVX2_JVM, "on", True),
    "on-sse": (ON, "-XX:UseAVX=0 -XX:MaxVectorSize=16", "on", True),
    "on-libm": (ON, "-XX:+UnlockDiagnosticVMOptions -XX:-UseLibmIntrinsic", "on", False),
    "on-1t": (ON, "-Dai.djl.pytorch.num_threads=1", "on", False),
    "off": (OFF, "", None, False),
    "off-mkl": ({**OFF, "MKL_ENABLE_INSTRUCTIONS": "AVX2"}, "", "off", False),
    "off-onednn": ({**OFF, "ONEDNN_MAX_CPU_ISA": "AVX2"}, "", "off", False),
    "off-aten": ({**OFF, "ATEN_CPU_CAPABILITY": "avx2"}, "", "off", False),
    "off-jvm": (OFF, AVX2_JVM, "off", False),
    "off-avx2": ({**OFF, **CAPS}, AVX2_JVM, "off", False),
    "off-1t": (OFF, "-Dai.djl.pytorch.num_threads=1", "off", False),
}
# every variable any configuration sets: cleared for the others, so that a configuration means the same
# whatever the caller's environment holds
CONTROLLED = sorted({k for env, _, _, _ in CONFIGS.values() for k in env} | {"NNZOO_KERNEL_JAVA_OPTS"})


def run_config(name, args, out):
    env_add, jvm, _, _ = CONFIGS[name]
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    env.update(env_add)
    if jvm:
        env["NNZOO_KERNEL_JAVA_OPTS"] = jvm
    folder = os.path.join(out, name)
    if args.keep and os.path.isfile(os.path.join(folder, "results.json")):
        print(f"== {name}: kept {folder}", flush=True)
        return folder
    settings = " ".join([f"{k}={v}" for k, v in env_add.items()] + ([jvm] if jvm else [])) or "(nothing set)"
    print(f"== {name}: {settings}", flush=True)
    cmd = ["bash", os.path.join(HERE, "execute-notebooks.sh"), "--profile", args.profile, "--out", folder]
    subprocess.run(cmd + args.notebooks, env=env, check=False)
    return folder


def machine_line(folder):
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as f:
        entries = json.load(f)
    m = next((e.get("machine") for e in entries if "pytorch" in (e.get("machine") or {})), None) or {}
    keys = ("reproducible_status", "mkl_cbwr", "mkl_isa", "aten_cpu_capability", "onednn", "onednn_max_cpu_isa", "pytorch_threads",
            "jvm_use_avx", "jvm_max_vector_size")
    return ", ".join(f"{k}={m.get(k)}" for k in keys if k in m) or "(no machine recorded)"


def seconds(folder):
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as f:
        return {e["notebook"]: (e["seconds"], e["status"]) for e in json.load(f)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="default", choices=("smoke", "default", "full"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "target", "reproducibility"))
    ap.add_argument("--configs", default="on,on-avx2",
                    help="comma-separated, from: " + ", ".join(CONFIGS) + " (default on,on-avx2)")
    ap.add_argument("--keep", action="store_true", help="reuse a configuration's earlier run in OUT when it has results.json")
    ap.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    args = ap.parse_args(argv)
    configs = [c for c in args.configs.split(",") if c]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        ap.error(f"unknown configuration(s) {', '.join(unknown)}; known: {', '.join(CONFIGS)}")
    for c in list(configs):  # a comparison needs its reference: run it first
        ref = CONFIGS[c][2]
        if ref and ref not in configs:
            configs.insert(0, ref)
    configs = sorted(dict.fromkeys(configs), key=lambda c: (CONFIGS[c][2] is not None, list(CONFIGS).index(c)))
    out = os.path.abspath(args.out)
    folders = {c: run_config(c, args, out) for c in configs}

    print(f"\n# Reproducibility, profile {args.profile}\n")
    for c in configs:
        print(f"- {c}: {machine_line(folders[c])}")
    failed = []
    for c in configs:
        ref = CONFIGS[c][2]
        if not ref:
            continue
        rows, compared, _, only = compare_results.differences(compare_results.load(folders[ref]),
                                                              compare_results.load(folders[c]), args.notebooks)
        must = CONFIGS[c][3]
        print(f"\n## {c} against {ref}: {compared} metrics compared (timings left out), {len(rows)} differ"
              + (f"; in one run only: {', '.join(only)}" if only else "")
              + ("" if must else " (informational: not covered by the mode)" if c.startswith("on") else ""))
        if rows:
            print()
            compare_results.print_rows(rows, ref, c)
            if must:
                failed.append(c)
    times = {c: seconds(folders[c]) for c in configs}
    names = sorted({n for t in times.values() for n in t})
    print("\n## Seconds per notebook (wall time of the kernel run; compare only runs made under the same load)\n")
    print("| notebook | " + " | ".join(configs) + " |\n|---|" + "---:|" * len(configs))
    for n in names:
        cells = []
        for c in configs:
            s, status = times[c].get(n, (None, None))
            cells.append("" if s is None else f"{s:.1f}" + ("" if status == "ok" else f" ({status})"))
        print(f"| {n} | " + " | ".join(cells) + " |")
    if failed:
        print(f"\nNOT reproducible: {', '.join(failed)} differ from their reference")
        return 1
    print("\nevery run the mode covers gave the same metrics as its reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())

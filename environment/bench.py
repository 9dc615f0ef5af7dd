"""NN Zoo (Java, DJL + PyTorch 2.7.1) against PyTorch in Python (the pinned pip wheel; optionally also Debian's
python3-torch 1.13), side by side.

Run through environment/bench.sh, which makes the venv (.venv-bench) and builds the library if needed.
For every model, each round runs the Java side (org.nnzoo.bench.Bench: the library's Fit over InMemoryDataset or
FullGraph, i.e. what the notebooks run) and the Python side (bench_torch.py), each in its own process, one
after the other (the order alternates between rounds), with the same data (exported once by the Java side), batch
size, optimiser, loss and thread count. Each process trains a warm-up epoch first, which is not counted; the table
shows the median of the other epochs of all rounds, samples/s by the wall clock and, less disturbed by other jobs
on the machine, by the process's CPU time; and the peak resident memory (VmHWM) of each process.
"""
import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import time

MODELS = {
    # name: (description, Java/Python arguments in the default and in the --tiny configuration)
    "mlp": ("MLP 784-256-10, SGD 0.1, batch 128", ["--samples", "60000", "--epochs", "6"],
            ["--samples", "2048", "--epochs", "2"]),
    "lenet": ("LeNet-5 (ReLU, max-pool), SGD 0.1, batch 128", ["--samples", "30000", "--epochs", "3"],
              ["--samples", "1024", "--epochs", "2"]),
    "lstm": ("LSTM 128 on 28 MNIST rows, Adam 1e-3, batch 128", ["--samples", "20000", "--epochs", "3"],
             ["--samples", "512", "--epochs", "2"]),
    "gcn": ("GCN 1433-16-7 on Cora, full batch, Adam 0.01", ["--epochs", "101"], ["--epochs", "5"]),
    # the loops students wait on longest (issue 23); each row's description says what one unit is
    "resnet": ("04 compact ResNet-8 (3x3 stem, BN, max-pool, basic blocks 32-64-128, 308,074 parameters) on MNIST"
               " shifted -2..2 px, batch 128, Adam one-cycle peak 3e-3; unit: a training image",
               ["--samples", "5120", "--epochs", "3"], ["--samples", "256", "--epochs", "2"]),
    "unet": ("12 diffusion U-Net (width 32, 2x2 patches, GroupNorm, class-conditional, 414,852 parameters), cosine"
             " schedule, v-prediction MSE, batch 64, Adam warm-up + cosine 4e-3, EMA 0.995 every step; unit: a"
             " training image", ["--samples", "3072", "--epochs", "3", "--batch", "64"],
             ["--samples", "128", "--epochs", "2", "--batch", "64"]),
    "transformer": ("09 Transformer LM (pre-norm GPT, d 128, 2 blocks, 4 heads, FFN 512, window 64, ABC chars), batch 32,"
                    " Adam clip 1, warm-up+cosine; 1 step = 2,048 characters", ["--steps", "50", "--epochs", "5"],
                    ["--steps", "3", "--epochs", "2"]),
    "pointer": ("15 pointer network (LSTM 128 encoder+decoder, additive pointer), sorting 10 numbers, batch 128,"
                " Adam clip 1, cosine; 1 step = 128 sequences", ["--steps", "80", "--epochs", "4"],
                ["--steps", "3", "--epochs", "2"]),
    "dqn": ("14 DQN 4-256-256-2 on CartPole, batch 64, Adam 2.3e-3, Huber, target net; env steps/s "
            "(env stepping included, validation excluded)", ["--steps", "5120", "--epochs", "4"],
            ["--steps", "1280", "--epochs", "2"]),
}


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def run(cmd, env=None, log=None):
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if log:  # --log-dir: the process's whole output, e.g. ONEDNN_VERBOSE's lines for onednn_compare.py
        with open(log, "w") as f:
            f.write(p.stdout)
    lines = [l for l in p.stdout.splitlines() if l.startswith("BENCH ")]
    if p.returncode != 0 or not lines:
        sys.stderr.write(p.stdout[-4000:])
        raise SystemExit(f"bench: {' '.join(cmd[:3])}... failed (exit {p.returncode})")
    for line in p.stdout.splitlines():  # NNZOO_FIT_PHASES=1: where each batch's time goes, both sides
        if " phases, us per " in line or " update phases" in line or ": alone, us per call" in line:
            print("    " + line, flush=True)
    r = json.loads(lines[-1][len("BENCH "):])
    r["process_seconds"] = time.time() - t0
    return r


def median_of(runs, key):
    return statistics.median([x for r in runs for x in r[key]])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--data", required=True, help="folder for the exported data")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--threads", default=None,
                    help="PyTorch intra-op threads on both sides, comma-separated: one table each (default 1,2; --tiny: 2)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--log-dir", default=None,
                    help="keep each process's whole output in this folder, as THREADS-MODEL-SIDE-rROUND.log (with "
                         "--java-env/--python-env ONEDNN_VERBOSE=1: the input of environment/onednn_compare.py)")
    ap.add_argument("--peers", default="pip",
                    help="pip: the bench venv's PyTorch 2.x (--python); debian: also Debian's python3-torch 1.13")
    ap.add_argument("--python", default=sys.executable, help="the python of the pip peer (bench.sh: .venv-bench)")
    ap.add_argument("--tiny", action="store_true", help="a few batches per model, one round (CI)")
    ap.add_argument("--java-only", action="store_true",
                    help="only the Java side (no PyTorch in Python needed): proves the Java benchmark runs")
    ap.add_argument("--python-malloc", choices=["tuned", "default"], default="tuned",
                    help="tuned (default): the Python processes get the glibc malloc thresholds that NativeTuning sets in "
                         "the Java process (without them PyTorch in Python also falls into a slow mode in some runs); "
                         "default: glibc's own")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    ap.add_argument("--java-env", action="append", default=[], metavar="KEY=VALUE",
                    help="an environment variable for the Java side only (repeatable), e.g. GOMP_SPINCOUNT=100000")
    ap.add_argument("--python-env", action="append", default=[], metavar="KEY=VALUE",
                    help="an environment variable for the Python sides only (repeatable)")
    args = ap.parse_args()
    if args.log_dir:
        os.makedirs(args.log_dir, exist_ok=True)
    rounds = 1 if args.tiny else args.rounds
    threads = [int(t) for t in (args.threads or ("2" if args.tiny else "1,2")).split(",")]
    peers = [] if args.java_only else [p for p in args.peers.split(",") if p]
    for p in peers:
        if p not in ("pip", "debian"):
            raise SystemExit(f"bench: unknown peer {p!r}; choose from pip,debian")
    models = args.models.split(",")
    for name in models:
        if name not in MODELS:
            raise SystemExit(f"bench: unknown model {name!r}; choose from {','.join(MODELS)}")
    jars = [j for j in glob.glob(os.path.join(args.root, "lib", "target", "nnzoo-lib-*.jar"))
            if not j.endswith(("-sources.jar", "-javadoc.jar"))]
    if not jars:
        raise SystemExit("bench: lib/target/nnzoo-lib-*.jar missing: mvn -B -DskipTests -DskipNotebooks package")
    cp = jars[0] + ":" + os.path.join(args.root, "lib", "target", "dependency", "*")
    # -Xmn64m: the kernel's young generation (install-kernel.sh)
    java_base = ["java", "-Xmx2g", "-Xmn64m", "-Dai.djl.offline=true", "-Djava.awt.headless=true", "--add-modules",
                 "jdk.incubator.vector", "-Dai.djl.pytorch.graph_optimizer=false",
                 "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"]
    script = os.path.join(args.root, "environment", "bench_torch.py")
    pythons = {"pip": args.python, "debian": "/usr/bin/python3"}
    env = dict(os.environ)
    # every side uses libgomp; the same wait policy for all (the notebooks' kernel sets PASSIVE)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # one malloc arena: the Java side's training thread then allocates from glibc's main arena, as Python's main thread
    # does (the notebooks' kernel sets it too; NativeTuning's class comment has the measurement). Both sides get it
    # (py_env is copied from env below); the Python side's main thread has the main arena anyway
    env.setdefault("MALLOC_ARENA_MAX", "1")
    env.setdefault("DJL_CACHE_DIR", os.path.expanduser("~/.djl.ai"))
    py_env = dict(env)
    if args.python_malloc == "tuned":
        # what NativeTuning does with mallopt in the Java process (32 MiB mmap threshold, 128 MiB trim threshold):
        # without it glibc sometimes unmaps and re-faults every batch's buffers (measured, LeNet, one thread:
        # 1,591,784 minor faults and 12,200 samples/s in one run, 43,000 and 22,000 in the next)
        py_env.setdefault("MALLOC_MMAP_THRESHOLD_", str(32 << 20))
        py_env.setdefault("MALLOC_TRIM_THRESHOLD_", str(128 << 20))
    for target, pairs, flag in ((env, args.java_env, "--java-env"), (py_env, args.python_env, "--python-env")):
        for kv in pairs:
            if "=" not in kv:
                raise SystemExit(f"bench: {flag} wants KEY=VALUE, got {kv!r}")
            k, v = kv.split("=", 1)
            target[k] = v
    waits = {side: {k: e[k] for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT",
                                       "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX") if k in e}
             for side, e in (("java", env), ("python", py_env))}
    before = machine()
    if not os.path.exists(os.path.join(args.data, "shapes.json")):
        subprocess.run(java_base + ["-cp", cp, "org.nnzoo.bench.Bench", "export", args.data], check=True, env=env)
    results = {}  # threads -> model -> side -> [runs]
    for t in threads:
        java = java_base + [f"-Dai.djl.pytorch.num_threads={t}", "-Dai.djl.pytorch.num_interop_threads=1",
                            "-cp", cp, "org.nnzoo.bench.Bench"]
        results[t] = {}
        for name in models:
            desc, default, tiny = MODELS[name]
            extra = tiny if args.tiny else default
            sides = {s: [] for s in ["java"] + peers}
            for r in range(rounds):
                order = list(sides)
                if r % 2 == 1:
                    order.reverse()
                for side in order:
                    log = os.path.join(args.log_dir, f"{t}-{name}-{side}-r{r + 1}.log") if args.log_dir else None
                    if side == "java":
                        res = run(java + ["run", name] + extra, env, log)
                    else:
                        # Debian's torch calls OpenBLAS through the generic BLAS interface and does not pass its
                        # thread count on: without this OpenBLAS runs one thread per core whatever torch is told
                        res = run([pythons[side], script, name, "--data", args.data, "--threads", str(t),
                                   "--interop-threads", "1"] + extra, dict(py_env, OPENBLAS_NUM_THREADS=str(t)), log)
                    sides[side].append(res)
                    fused = f", fused update {res.get('fused_update', '?')}" if side == "java" else ""
                    print(f"  {t} thread(s) {name:11s} round {r + 1} {side:6s}: median {res['median']:.1f} "
                          f"{res['unit']}/s (cpu {statistics.median(res['cpu_rates']):.1f}), peak RSS "
                          f"{res['vmhwm_kb'] / 1024:.0f} MB, load {os.getloadavg()[0]:.2f}{fused}", flush=True)
            results[t][name] = {"description": desc, "sides": sides}
    after = machine()
    print()
    if args.java_only:
        for t, by_model in results.items():
            for name, res in by_model.items():
                r = res["sides"]["java"]
                print(f"java only, {t} thread(s): {res['description']}: {median_of(r, 'rates'):.1f} {r[0]['unit']}/s, "
                      f"peak RSS {max(q['vmhwm_kb'] for q in r) / 1024:.0f} MB, native tuning: {r[0].get('native_tuning')}")
        return
    print(f"machine: {before['nproc']} CPUs, {before['cpu']}, Linux {before['kernel']}; "
          f"load average before {before['load']}, after {after['load']}")
    first = results[threads[0]][models[0]]["sides"]
    print(f"java:   {first['java'][0]['runtime']}; native tuning: {first['java'][0].get('native_tuning')}; {waits['java']}")
    java_runs = [(t, name, q) for t, by_model in results.items() for name, res in by_model.items()
                 for q in res["sides"]["java"]]
    # Adam/SGD fused (FusedUpdate): each Java process checks the Vector API once; where that failed, DJL's own update ran
    off = [(t, name, q.get("fused_update", "?")) for t, name, q in java_runs
           if not q.get("fused_update", "").startswith(("on", "not used"))]
    print(f"        fused optimizer update: on in {len(java_runs) - len(off)} of {len(java_runs)} Java processes"
          + "".join(f"; {name} at {t} thread(s): {why}" for t, name, why in off))
    for p in peers:
        flush = "denormals flushed (NNZOO_BENCH_FLUSH_DENORMAL=1)" if first[p][0].get("flush_denormal") \
            else "gradual underflow (PyTorch's default; --python-env NNZOO_BENCH_FLUSH_DENORMAL=1 flushes)"
        print(f"{p}:{' ' * (7 - len(p))}{first[p][0]['runtime']}; {flush}; {waits['python']}")
        gcn = results[threads[0]].get("gcn")
        if gcn and gcn["sides"].get(p) and gcn["sides"][p][0].get("gcn_input"):
            print(f"        gcn: X {gcn['sides'][p][0]['gcn_input']} (the Java side: sparse, dropout of its stored entries;"
                  " --python-env NNZOO_BENCH_GCN_INPUT=sparse does the same)")
    print(f"warm-up epoch excluded; median of all other epochs of {rounds} round(s); wall clock, and per CPU-second "
          f"of the process in brackets; 1 inter-op thread on every side")
    table = {}
    for t, by_model in results.items():
        print(f"\n{t} intra-op thread(s) on every side\n")
        head = "| model | unit | Java /s | PyTorch 2 /s | **Java/PyTorch** | ratio per CPU-s | peak RSS Java | peak RSS PyTorch | RSS ratio |"
        if "debian" in peers:
            head += " Debian 1.13 /s | Java/Debian |"
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        table[t] = {}
        for name, res in by_model.items():
            s = res["sides"]
            row = {"java": median_of(s["java"], "rates"), "java_cpu": median_of(s["java"], "cpu_rates"),
                   "rss_java_mb": max(r["vmhwm_kb"] for r in s["java"]) / 1024}
            for p in peers:
                row[p] = median_of(s[p], "rates")
                row[p + "_cpu"] = median_of(s[p], "cpu_rates")
                row["rss_" + p + "_mb"] = max(r["vmhwm_kb"] for r in s[p]) / 1024
                row["ratio_" + p] = row["java"] / row[p]
                row["ratio_cpu_" + p] = row["java_cpu"] / row[p + "_cpu"]
                row["rss_ratio_" + p] = row["rss_java_mb"] / row["rss_" + p + "_mb"]
            table[t][name] = row
            line = f"| {res['description']} | {s['java'][0]['unit']} | {row['java']:.1f}"
            if "pip" in peers:
                line += (f" | {row['pip']:.1f} | **{row['ratio_pip']:.2f}** | {row['ratio_cpu_pip']:.2f}"
                         f" | {row['rss_java_mb']:.0f} MB | {row['rss_pip_mb']:.0f} MB | {row['rss_ratio_pip']:.2f} |")
            if "debian" in peers:
                line += f" {row['debian']:.1f} | {row['ratio_debian']:.2f} |"
            print(line)
    if "pip" in peers:
        print("\nsummary: Java/PyTorch by the wall clock (target >= 1.0), peak RSS ratio (target <= 1.5)\n")
        print("| model | " + " | ".join(f"{t} thread(s)" for t in threads) + " | RSS ratio (max) |")
        print("|---|" + "---|" * (len(threads) + 1))
        for name in models:
            cells = [f"{table[t][name]['ratio_pip']:.2f}" for t in threads]
            rss = max(table[t][name]["rss_ratio_pip"] for t in threads)
            print(f"| {name} | " + " | ".join(cells) + f" | {rss:.2f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine_before": before, "machine_after": after, "threads": threads, "rounds": rounds,
                       "peers": peers, "wait": waits, "tiny": args.tiny, "table": table, "runs": results}, f, indent=1)
        print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()

"""NN Zoo (Java, DJL + PyTorch 2.7.1) against PyTorch in Python (Debian's python3-torch), side by side.

Run through environment/bench.sh, which installs python3-torch and OpenBLAS and builds the library if needed.
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
    "resnet": ("04 compact ResNet (TODO)", [], []),
    "unet": ("12 diffusion U-Net (TODO)", [], []),
    "transformer": ("09 Transformer LM step (TODO)", [], []),
    "pointer": ("15 pointer network step (TODO)", [], []),
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


def run(cmd, env=None):
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--data", required=True, help="folder for the exported data")
    ap.add_argument("--models", default="mlp,lenet,lstm,gcn")
    ap.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads on both sides")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--tiny", action="store_true", help="a few batches per model, one round (CI)")
    ap.add_argument("--java-only", action="store_true",
                    help="only the Java side (no python3-torch needed): proves the Java benchmark runs")
    ap.add_argument("--python-malloc", choices=["tuned", "default"], default="tuned",
                    help="tuned (default): the Python process gets the glibc malloc thresholds that NativeTuning sets in "
                         "the Java process (without them PyTorch in Python also falls into a slow mode in some runs); "
                         "default: glibc's own")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    ap.add_argument("--java-env", action="append", default=[], metavar="KEY=VALUE",
                    help="an environment variable for the Java side only (repeatable), e.g. GOMP_SPINCOUNT=100000")
    ap.add_argument("--python-env", action="append", default=[], metavar="KEY=VALUE",
                    help="an environment variable for the Python side only (repeatable)")
    args = ap.parse_args()
    rounds = 1 if args.tiny else args.rounds
    jars = [j for j in glob.glob(os.path.join(args.root, "lib", "target", "nnzoo-lib-*.jar"))
            if not j.endswith(("-sources.jar", "-javadoc.jar"))]
    if not jars:
        raise SystemExit("bench: lib/target/nnzoo-lib-*.jar missing: mvn -B -DskipTests -DskipNotebooks package")
    cp = jars[0] + ":" + os.path.join(args.root, "lib", "target", "dependency", "*")
    java = ["java", "-Xmx2g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
            "-Dai.djl.pytorch.graph_optimizer=false", "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
            f"-Dai.djl.pytorch.num_threads={args.threads}", "-Dai.djl.pytorch.num_interop_threads=1",
            "-cp", cp, "org.nnzoo.bench.Bench"]
    py = ["/usr/bin/python3", os.path.join(args.root, "environment", "bench_torch.py")]
    env = dict(os.environ)
    # both sides use libgomp; the same wait policy for both (the notebooks' kernel sets PASSIVE)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault("DJL_CACHE_DIR", os.path.expanduser("~/.djl.ai"))
    # Debian's torch calls OpenBLAS through the generic BLAS interface and does not pass its thread count on:
    # without this, OpenBLAS runs its own pool of one thread per core whatever torch.set_num_threads says
    py_env = dict(env, OPENBLAS_NUM_THREADS=str(args.threads))
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
                                                   "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_") if k in e}
             for side, e in (("java", env), ("python", py_env))}
    before = machine()
    if not os.path.exists(os.path.join(args.data, "shapes.json")):
        subprocess.run(java + ["export", args.data], check=True, env=env)
    results = {}
    for name in args.models.split(","):
        if name not in MODELS:
            raise SystemExit(f"bench: unknown model {name!r}; choose from {','.join(MODELS)}")
        desc, default, tiny = MODELS[name]
        extra = tiny if args.tiny else default
        sides = {"java": [], "python": []}
        for r in range(rounds):
            order = ["java", "python"] if r % 2 == 0 else ["python", "java"]
            if args.java_only:
                order = ["java"]
            for side in order:
                if side == "java":
                    res = run(java + ["run", name] + extra, env)
                else:
                    res = run(py + [name, "--data", args.data, "--threads", str(args.threads),
                                    "--interop-threads", "1"] + extra, py_env)
                sides[side].append(res)
                print(f"  {name:6s} round {r + 1} {side:6s}: median {res['median']:.1f} {res['unit']}/s "
                      f"(cpu {statistics.median(res['cpu_rates']):.1f}), peak RSS {res['vmhwm_kb'] / 1024:.0f} MB, "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)
        results[name] = {"description": desc, "sides": sides}
    after = machine()
    print()
    if args.java_only:
        for name, res in results.items():
            r = res["sides"]["java"]
            print(f"java only: {res['description']}: {statistics.median([x for q in r for x in q['rates']]):.1f} "
                  f"{r[0]['unit']}/s, peak RSS {max(q['vmhwm_kb'] for q in r) / 1024:.0f} MB, "
                  f"native tuning: {r[0].get('native_tuning')}")
        return
    print(f"machine: {before['nproc']} CPUs, {before['cpu']}, Linux {before['kernel']}; "
          f"load average before {before['load']}, after {after['load']}")
    j0 = results[next(iter(results))]["sides"]["java"][0]
    p0 = results[next(iter(results))]["sides"]["python"][0]
    print(f"java:   {j0['runtime']}; threads {j0['threads']} intra-op, {j0['interop_threads']} inter-op; "
          f"native tuning: {j0.get('native_tuning')}; {waits['java']}")
    print(f"python: {p0['runtime']}; threads {p0['threads']} intra-op, {p0['interop_threads']} inter-op, "
          f"OPENBLAS_NUM_THREADS={args.threads}; {waits['python']}")
    print(f"{'warm-up epoch excluded; median of all other epochs of ' + str(rounds) + ' round(s)'}; "
          f"samples/s by wall clock, and per CPU-second of the process in brackets")
    print()
    header = f"| model | unit | Java /s | Python /s | Java/Python | Java /CPU-s | Python /CPU-s | ratio (CPU) " \
             f"| peak RSS Java | peak RSS Python | RSS ratio |"
    print(header)
    print("|" + "---|" * 11)
    table = {}
    for name, res in results.items():
        j = [x for r in res["sides"]["java"] for x in r["rates"]]
        p = [x for r in res["sides"]["python"] for x in r["rates"]]
        jc = [x for r in res["sides"]["java"] for x in r["cpu_rates"]]
        pc = [x for r in res["sides"]["python"] for x in r["cpu_rates"]]
        jr = max(r["vmhwm_kb"] for r in res["sides"]["java"]) / 1024
        pr = max(r["vmhwm_kb"] for r in res["sides"]["python"]) / 1024
        row = {"java": statistics.median(j), "python": statistics.median(p), "java_cpu": statistics.median(jc),
               "python_cpu": statistics.median(pc), "rss_java_mb": jr, "rss_python_mb": pr}
        row["ratio"] = row["java"] / row["python"]
        row["ratio_cpu"] = row["java_cpu"] / row["python_cpu"]
        row["rss_ratio"] = jr / pr
        table[name] = row
        unit = res["sides"]["java"][0]["unit"]
        print(f"| {res['description']} | {unit} | {row['java']:.1f} | {row['python']:.1f} | {row['ratio']:.2f} "
              f"| {row['java_cpu']:.1f} | {row['python_cpu']:.1f} | {row['ratio_cpu']:.2f} "
              f"| {jr:.0f} MB | {pr:.0f} MB | {row['rss_ratio']:.2f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine_before": before, "machine_after": after, "threads": args.threads, "rounds": rounds, "wait": waits,
                       "tiny": args.tiny, "table": table, "runs": results}, f, indent=1)
        print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()

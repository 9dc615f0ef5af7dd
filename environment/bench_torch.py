"""The Python side of environment/bench.sh: the benchmark models in plain PyTorch, on the data that
`org.nnzoo.bench.Bench export` wrote, with the same batch size, optimiser, loss and thread count as the Java
side (org.nnzoo.bench.Bench run). One idiomatic training loop per epoch: shuffle (a seeded permutation),
gather the batch, forward, loss, backward, step, and read the loss and the number of correct predictions
every step (loss.item(), .sum().item()), which is what the Java side's Fit does too.

    /usr/bin/python3 environment/bench_torch.py MODEL --data DIR [--samples N] [--epochs E] [--batch B]
        [--steps N] [--threads T] [--interop-threads T]      (--steps: environment steps per epoch, dqn only)

Prints one line "BENCH {json}" with the samples/s of every epoch after the first (a warm-up), their median,
the thread settings torch reports, and the peak resident memory (VmHWM) of this process.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def load(data, name, dtype):
    return torch.from_numpy(np.fromfile(os.path.join(data, name), dtype=dtype))


class LeNet(nn.Module):
    """The library's LeNet.build(): C1 5x5x6 pad 2, max-pool, C3 5x5x16, max-pool, 400-120-84-10, ReLU."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.f5 = nn.Linear(400, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = torch.flatten(x, 1)
        return self.out(F.relu(self.f6(F.relu(self.f5(x)))))


class LstmClassifier(nn.Module):
    """RecurrentNetworks.classifier(LSTM, 128, 1, 10): 28 rows as 28 steps, last hidden state, linear."""

    def __init__(self, hidden=128):
        super().__init__()
        self.lstm = nn.LSTM(28, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 10)

    def forward(self, x):
        h, _ = self.lstm(x.reshape(x.shape[0], 28, 28))
        return self.out(h[:, -1, :])


class Gcn(nn.Module):
    """Kipf & Welling's two-layer GCN written by hand with torch.sparse: dropout, A (X W1), ReLU, dropout, A (H W2).
    X dense as in PyTorch Geometric's examples/gcn.py (the default), or with NNZOO_BENCH_GCN_INPUT=sparse a sparse
    matrix whose stored entries alone are dropped out (Kipf's sparse_dropout; what the Java side does)."""

    def __init__(self, features, hidden, classes, dropout):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(features, hidden))
        self.w2 = nn.Parameter(torch.empty(hidden, classes))
        nn.init.xavier_uniform_(self.w1)
        nn.init.xavier_uniform_(self.w2)
        self.dropout = dropout

    def forward(self, x, adj):
        if x.is_sparse:  # NNZOO_BENCH_GCN_INPUT=sparse: dropout of the stored entries only, as the Java side does
            h = torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), self.dropout, self.training), x.shape)
            h = F.relu(torch.sparse.mm(adj, torch.sparse.mm(h, self.w1)))
        else:
            h = F.dropout(x, self.dropout, self.training)
            h = F.relu(torch.sparse.mm(adj, h @ self.w1))
        h = F.dropout(h, self.dropout, self.training)
        return torch.sparse.mm(adj, h @ self.w2)


def run_images(args, model, optimizer):
    x = load(args.data, "mnist_x.f32", np.float32)
    y = load(args.data, "mnist_y.i32", np.int32).long()
    n = min(args.samples, y.shape[0])
    x = x[: n * 784].reshape(n, 1, 28, 28)
    y = y[:n]
    gen = torch.Generator().manual_seed(42)
    rates, cpu_rates, losses = [], [], []
    prof_file = os.environ.get("NNZOO_BENCH_PROFILE")  # PyTorch profiler over epoch 2: op table to this file
    phases = os.environ.get("NNZOO_FIT_PHASES") == "1"  # per-phase times, as the Java side's Fit prints them
    prof = None
    for epoch in range(args.epochs):
        if prof_file and epoch == 1:
            prof = torch.autograd.profiler.profile()
            prof.__enter__()
        t0 = time.perf_counter()
        c0 = time.process_time()
        order = torch.randperm(n, generator=gen)
        loss_sum, correct = 0.0, 0
        if not phases:
            for first in range(0, n, args.batch):
                idx = order[first:first + args.batch]
                xb, yb = x.index_select(0, idx), y.index_select(0, idx)
                pred = model(xb)
                loss = F.cross_entropy(pred, yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * idx.shape[0]
                correct += (pred.argmax(1) == yb).sum().item()
        else:  # the same loop with a clock read after each phase (the phases of the Java side's Fit)
            t, clock, batches = [0.0] * 7, time.perf_counter, 0
            for first in range(0, n, args.batch):
                a = clock()
                idx = order[first:first + args.batch]
                xb, yb = x.index_select(0, idx), y.index_select(0, idx)
                b = clock()
                pred = model(xb)
                c = clock()
                loss = F.cross_entropy(pred, yb)
                d = clock()
                optimizer.zero_grad()
                e = clock()
                loss.backward()
                f = clock()
                optimizer.step()
                g = clock()
                loss_sum += loss.item() * idx.shape[0]
                h = clock()
                correct += (pred.argmax(1) == yb).sum().item()
                i = clock()
                for k, dt in enumerate((b - a, c - b, d - c, f - e, (e - d) + (g - f), h - g, i - h)):
                    t[k] += dt
                batches += 1
            names = ("next batch", "forward", "loss", "backward", "optimizer step (with zero_grad)", "loss read",
                     "correct count")
            print(f"python {args.model}: epoch {epoch + 1} phases, us per batch ({batches} batches): "
                  + " ".join(f"{nm} {v / batches * 1e6:.0f};" for nm, v in zip(names, t))
                  + f" total {sum(t) / batches * 1e6:.0f}", flush=True)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
        if prof is not None:
            prof.__exit__(None, None, None)
            write_profile(prof, prof_file)
            prof = None
        losses.append(loss_sum / n)
        if epoch > 0:
            rates.append(n / seconds)
            cpu_rates.append(n / cpu)
        print(f"python {args.model} epoch {epoch + 1}/{args.epochs} loss={loss_sum / n:.4f} acc={correct / n:.4f}"
              f" seconds={seconds:.3f}", flush=True)
    return rates, cpu_rates, losses[-1], n, "samples"


def gcn_input():
    """NNZOO_BENCH_GCN_INPUT: dense (default, PyTorch Geometric's examples/gcn.py) or sparse (as the Java side)."""
    value = os.environ.get("NNZOO_BENCH_GCN_INPUT", "dense")
    if value not in ("dense", "sparse"):
        raise SystemExit(f"NNZOO_BENCH_GCN_INPUT must be dense or sparse, got {value!r}")
    return value


def run_gcn(args):
    shapes = json.load(open(os.path.join(args.data, "shapes.json")))
    nodes, feats, classes = shapes["cora_nodes"], shapes["cora_features"], shapes["cora_classes"]
    x = load(args.data, "cora_x.f32", np.float32).reshape(nodes, feats)
    y = load(args.data, "cora_y.i32", np.int32).long()
    train = load(args.data, "cora_train.i32", np.int32).long()
    rows = load(args.data, "cora_adj_rows.i64", np.int64)
    cols = load(args.data, "cora_adj_cols.i64", np.int64)
    vals = load(args.data, "cora_adj_values.f32", np.float32)
    adj = torch.sparse_coo_tensor(torch.stack([rows, cols]), vals, (nodes, nodes)).coalesce()
    if gcn_input() == "sparse":
        x = x.to_sparse().coalesce()
    torch.manual_seed(42)
    model = Gcn(feats, 16, classes, 0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    y_train = y[train]
    clock, last = Clock(), 0.0
    for epoch in range(args.epochs):
        clock.start()
        model.train()
        logits = model(x, adj)[train]
        loss = F.cross_entropy(logits, y_train) + 5e-4 / 2 * (model.w1 ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        last = loss.item()
        (logits.argmax(1) == y_train).sum().item()
        clock.stop(1)
    return clock.rates, clock.cpu_rates, last, 1, "epochs"


def write_profile(prof, path):
    """A Chrome trace where path ends in .json (what the Java side writes; environment/profile_ops.py reads both),
    else PyTorch's op table."""
    if path.endswith(".json"):
        prof.export_chrome_trace(path)
    else:
        with open(path, "w") as f:
            f.write(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=40))


class Clock:
    """Wall-clock and CPU rates of the epochs of a loop (the first epoch is the warm-up): start(), then stop(units).
    With NNZOO_BENCH_PROFILE=FILE, PyTorch's profiler records the second epoch into FILE (see write_profile);
    NNZOO_BENCH_PROFILE_SHAPES=1 records the operators' input shapes too."""

    def __init__(self):
        self.rates, self.cpu_rates, self.epochs, self.warmup_seconds = [], [], 0, 0.0
        self.profile_file, self.prof = os.environ.get("NNZOO_BENCH_PROFILE"), None

    def start(self):
        if self.profile_file and self.epochs == 1:
            self.prof = torch.autograd.profiler.profile(record_shapes=os.environ.get("NNZOO_BENCH_PROFILE_SHAPES") == "1")
            self.prof.__enter__()
        self.t0, self.c0 = time.perf_counter(), time.process_time()

    def stop(self, units):
        seconds, cpu = time.perf_counter() - self.t0, time.process_time() - self.c0
        if self.prof is not None:
            self.prof.__exit__(None, None, None)
            write_profile(self.prof, self.profile_file)
            self.prof = None
        if self.epochs == 0:
            self.warmup_seconds = seconds
        else:
            self.rates.append(units / seconds)
            self.cpu_rates.append(units / max(cpu, 1e-9))
        self.epochs += 1


# the rows that live in their own files: model name -> module (each has run(args) -> the tuple run_images returns,
# plus the batch size; see bench_torch_conv.py)
ROWS = {"resnet": "bench_torch_conv", "unet": "bench_torch_conv", "transformer": "bench_torch_seq",
        "pointer": "bench_torch_seq", "dqn": "bench_torch_dqn"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", choices=["mlp", "lenet", "lstm", "gcn"] + list(ROWS))
    p.add_argument("--data", required=True, help="folder written by Bench export")
    p.add_argument("--samples", type=int, default=60000)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=None, help="default 128 (transformer, pointer: the notebook's batch)")
    p.add_argument("--steps", type=int, default=None,
                   help="steps per epoch (transformer, pointer: training steps; dqn: environment steps)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--interop-threads", type=int, default=None)
    args = p.parse_args()
    if args.batch is None and args.model not in ("transformer", "pointer"):
        args.batch = 128
    if args.epochs < 2:
        p.error("--epochs must be at least 2 (the first is a warm-up)")
    torch.set_num_threads(args.threads)
    # the Java side flushes denormals to zero (org.nnzoo.train.Denormals); PyTorch's default does not. =1 gives this
    # side the same setting, before the first parallel operation, so that the OpenMP workers inherit it
    flush = os.environ.get("NNZOO_BENCH_FLUSH_DENORMAL") == "1" and torch.set_flush_denormal(True)
    if args.interop_threads:
        torch.set_num_interop_threads(args.interop_threads)
    torch.manual_seed(42)
    batch = 0 if args.model == "gcn" else args.batch
    if args.model in ROWS:
        rates, cpu_rates, last, per_epoch, unit, batch = __import__(ROWS[args.model]).run(args)
    elif args.model == "gcn":
        rates, cpu_rates, last, per_epoch, unit = run_gcn(args)
    else:
        if args.model == "mlp":
            model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        elif args.model == "lenet":
            model = LeNet()
        else:
            model = LstmClassifier()
        if args.model == "lstm":
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        rates, cpu_rates, last, per_epoch, unit = run_images(args, model, optimizer)
    config = torch.__config__.show().lower()
    blas = "OpenBLAS" if "openblas" in config else "oneMKL" if "math kernel library" in config else "BLAS?"
    print("BENCH " + json.dumps({
        "side": "python", "model": args.model, "unit": unit, "per_epoch": per_epoch,
        "batch": batch,
        "rates": [round(r, 2) for r in rates], "median": round(statistics.median(rates), 2),
        "cpu_rates": [round(r, 2) for r in cpu_rates],
        "final_train_loss": round(last, 5), "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(), "flush_denormal": bool(flush), "vmhwm_kb": peak_rss_kb(),
        **({"gcn_input": gcn_input()} if args.model == "gcn" else {}),
        "runtime": f"PyTorch {torch.__version__} ({blas}), Python {'.'.join(map(str, __import__('sys').version_info[:3]))}",
    }), flush=True)


if __name__ == "__main__":
    main()

"""Interrupt through the real kernel (jupyter_client, as Jupyter's front ends do it).

1. A cell trains an MLP with Fit (MNIST when NNZOO_DATA is set, else random data of MNIST's shape) for
   far too many epochs; once its live progress display has changed twice, the test sends Interrupt
   (interrupt_request on the control channel, as JupyterLab's button does). The cell must get its
   execute_reply with status "error" and the library's message ("interrupted at epoch E, batch B; ..."),
   within --limit seconds (default 2), and the next cell (the test accuracy of the partially trained
   model) must run at once in the same kernel. Three times in a row.
2. A cell waiting in Thread.sleep: interrupted, error reply, then `1+1` still works.
3. A cell that ignores interrupts (a busy loop): the reply still comes, after the kernel's wait
   (-Dnnzoo.kernel.interruptWaitMillis), saying the code goes on in the background.

rapaio 3.0.1 without the kernel-patch fails step 1: no execute_reply ever arrives (the cell stays [*]).
Prints one line per measurement; exit 1 on any failure. Run by environment/tests/kernel-interrupt.sh.
"""
import argparse
import os
import queue
import re
import sys
import time

from jupyter_client.manager import KernelManager

DATA_MNIST = """
ImageSet interruptTrain = Mnist.digits().train().range(0, 20000);
ImageSet interruptTest = Mnist.digits().test().limit(2000);
InMemoryDataset trainData = InMemoryDataset.of(interruptTrain, 128, true, 42);
InMemoryDataset testData = InMemoryDataset.of(interruptTest, 1000, false, 0);
int[] testLabels = interruptTest.labels();
"""
DATA_RANDOM = """
Random r = new Random(1);
int n = 20000;
float[] xs = new float[n * 784];
int[] ys = new int[n];
for (int i = 0; i < n; i++) { ys[i] = r.nextInt(10); for (int j = 0; j < 784; j++) xs[i * 784 + j] = (float) (r.nextGaussian() * 0.3 + (j % 10 == ys[i] ? 1 : 0)); }
InMemoryDataset trainData = InMemoryDataset.classification(xs, new Shape(784), ys, 128, true, 42);
InMemoryDataset testData = InMemoryDataset.classification(Arrays.copyOf(xs, 2000 * 784), new Shape(784), Arrays.copyOf(ys, 2000), 1000, false, 0);
int[] testLabels = Arrays.copyOf(ys, 2000);
"""
MODEL = """
Model model = Model.newInstance("mlp");
model.setBlock(Mlp.build(new int[] {256}, 10));
"""
TRAIN = 'History h = Fit.of(model, trainData).epochs(1000).accuracy(true).seed(42).title("interrupt test").run();'
EVALUATE = 'Evaluation.accuracy(testLabels, Evaluation.predictClasses(model, testData))'


def fail(msg):
    print(f"[kernel-interrupt] FAIL: {msg}", flush=True)
    sys.exit(1)


def drain(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            return


def run_ok(kc, code, timeout):
    """Runs code; returns (seconds, text result); fails the test if the cell fails."""
    out = {}

    def hook(msg):
        t = msg["msg_type"]
        if t in ("execute_result", "display_data"):
            data = msg["content"].get("data", {})
            out["text"] = data.get("text/plain") or data.get("text/html") or ""
        elif t == "error":
            out["error"] = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"

    t0 = time.monotonic()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
    if reply["content"]["status"] != "ok" or "error" in out:
        fail(f"cell {code[:60]!r} failed: {out.get('error', reply['content'])}")
    return time.monotonic() - t0, out.get("text", "")


def interrupt_cell(km, kc, code, wait_for_progress, start_timeout, reply_timeout):
    """Starts code, interrupts it once running, returns (seconds from Interrupt to execute_reply, reply, error)."""
    drain(kc)
    msg_id = kc.execute(code, allow_stdin=False)
    deadline = time.monotonic() + start_timeout
    changes = 0
    started = False
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            if not wait_for_progress and started:
                break
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "execute_input":
            started = True
        elif t in ("display_data", "update_display_data"):
            changes += 1
        elif t == "error":
            fail(f"cell failed before the interrupt: {msg['content'].get('evalue')}")
        if wait_for_progress and changes >= 3:  # the display appears, then changes at least twice
            break
    else:
        fail(f"no progress from the cell within {start_timeout} s (display updates seen: {changes})")
    if not wait_for_progress:
        time.sleep(1.0)
    sent = time.monotonic()
    km.interrupt_kernel()
    error = None
    while True:
        remaining = reply_timeout - (time.monotonic() - sent)
        if remaining <= 0:
            fail(f"no execute_reply {reply_timeout} s after Interrupt: the cell would stay [*] "
                 "(rapaio 3.0.1 without kernel-patch's Channels/ControlChannel)")
        try:
            reply = kc.get_shell_msg(timeout=remaining)
        except queue.Empty:
            continue
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            break
    seconds = time.monotonic() - sent
    # the error output on iopub (what the notebook shows)
    end = time.monotonic() + 5
    while error is None and time.monotonic() < end:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "error":
            # rapaio's ename/evalue are those of JShell's wrapper: the cell's own exception is in the traceback
            trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(msg["content"].get("traceback", [])))
            error = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')} | {trace.strip()[:1500]}"
    return seconds, reply, error


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=2.0, help="most seconds from Interrupt to the reply (Fit)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kernel", default="nnzoo-java")
    ap.add_argument("--log", default="kernel-interrupt.log")
    args = ap.parse_args()

    km = KernelManager(kernel_name=args.kernel)
    with open(args.log, "w", encoding="utf-8") as log:
        km.start_kernel(stdout=log, stderr=log)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            mnist = bool(os.environ.get("NNZOO_DATA"))
            secs, _ = run_ok(kc, DATA_MNIST if mnist else DATA_RANDOM, 300)
            run_ok(kc, MODEL, 60)
            print(f"[kernel-interrupt] data: {'MNIST (20,000 training images)' if mnist else 'random, MNIST-shaped (NNZOO_DATA unset)'}, loaded in {secs:.1f} s", flush=True)
            times = []
            for i in range(1, args.runs + 1):
                seconds, reply, error = interrupt_cell(km, kc, TRAIN, True, 120, 30)
                if reply["content"]["status"] != "error":
                    fail(f"run {i}: the interrupted cell replied {reply['content']['status']!r}, expected 'error'")
                if not error or "interrupted at epoch" not in error or "keeps the weights" not in error:
                    fail(f"run {i}: the cell's error does not say where training stopped: {error!r}")
                next_secs, acc = run_ok(kc, EVALUATE, 60)
                times.append(seconds)
                print(f"[kernel-interrupt] Fit run {i}: execute_reply {seconds:.2f} s after Interrupt ({error}); "
                      f"next cell (test accuracy {acc.strip()[:12]}) took {next_secs:.2f} s", flush=True)
                if seconds > args.limit:
                    fail(f"run {i}: the interrupted training replied after {seconds:.2f} s (limit {args.limit} s)")
                if next_secs > 10:
                    fail(f"run {i}: the next cell took {next_secs:.1f} s: the interrupted one still runs?")
            seconds, reply, error = interrupt_cell(km, kc, "Thread.sleep(600_000);", False, 30, 10)
            if reply["content"]["status"] != "error":
                fail(f"sleeping cell: reply {reply['content']['status']!r}, expected 'error'")
            _, two = run_ok(kc, "1+1", 30)
            if "2" not in two:
                fail(f"after interrupting a sleep, 1+1 gave {two!r}")
            print(f"[kernel-interrupt] Thread.sleep: execute_reply {seconds:.2f} s after Interrupt ({error}); 1+1 = 2 afterwards", flush=True)
            seconds, reply, error = interrupt_cell(km, kc, "long spin = 0; while (spin >= 0) { spin++; if (spin == Long.MAX_VALUE) spin = 0; }", False, 30, 30)
            if reply["content"]["status"] != "error" or not error or "did not stop" not in error:
                fail(f"busy loop: reply {reply['content']['status']!r}, error {error!r}: expected the 'did not stop' message")
            print(f"[kernel-interrupt] busy loop that ignores Interrupt: execute_reply {seconds:.2f} s after Interrupt ({error[:90]}...)", flush=True)
            print(f"[kernel-interrupt] passed: Interrupt during Fit -> reply in {', '.join(f'{t:.2f}' for t in times)} s", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()

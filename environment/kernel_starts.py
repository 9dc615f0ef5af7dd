"""Starts a Jupyter kernel N times in a row (a fresh JVM each time) and counts the starts that fail.

Each start: launch, wait for kernel_info (--timeout seconds), run `1+1` (and on the first start a cell
that uses the NN Zoo library), shut down. Run by environment/kernel-starts.sh, which installs the
kernelspec; usable alone with /usr/bin/python3 when JUPYTER_PATH finds the kernel.
"""
import argparse
import os
import sys
import time

from jupyter_client.manager import KernelManager

LIBRARY_CELL = "org.nnzoo.notebook.Results.recorded().size()"


def run_cell(kc, code, timeout):
    """Executes code; returns its text result, raises RuntimeError when the cell fails."""
    result = {}

    def hook(msg):
        if msg["msg_type"] in ("execute_result", "display_data"):
            data = msg["content"].get("data", {})
            result["text"] = data.get("text/plain") or data.get("text/html") or ""
        elif msg["msg_type"] == "error":
            result["error"] = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
    if reply["content"]["status"] != "ok" or "error" in result:
        raise RuntimeError(f"cell {code!r} failed: {result.get('error', reply['content'].get('status'))}")
    return result.get("text", "")


def one_start(index, args, log_dir):
    """Returns (ok, seconds_to_ready, message)."""
    log_path = os.path.join(log_dir, f"start-{index:03d}.log")
    km = KernelManager(kernel_name=args.kernel)
    started = time.monotonic()
    ready = None
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            km.start_kernel(stdout=log, stderr=log)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=args.timeout)
                ready = time.monotonic() - started
                text = run_cell(kc, "1+1", args.cell_timeout)
                if "2" not in text:
                    raise RuntimeError(f"1+1 gave {text!r}")
                if index == 1 and not args.no_library:
                    run_cell(kc, LIBRARY_CELL, args.cell_timeout)
            finally:
                kc.stop_channels()
            km.shutdown_kernel(now=False)
            ok, message = True, ""
        except Exception as e:  # a failed start in any form is what we count
            ok, message = False, f"{type(e).__name__}: {e}".strip()
            try:
                km.shutdown_kernel(now=True)
            except Exception:
                pass
    if ok and not args.keep_logs:
        os.remove(log_path)
    elif not ok:
        message += f" (kernel log: {log_path})"
    return ok, ready, message


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("count", nargs="?", type=int, default=50, help="number of starts (default 50)")
    p.add_argument("--kernel", default="nnzoo-java", help="kernelspec name (default nnzoo-java)")
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for a start (default 60)")
    p.add_argument("--cell-timeout", type=float, default=60, help="seconds for each test cell (default 60)")
    p.add_argument("--log-dir", default="target/kernel-starts/logs", help="kernel logs of failed starts")
    p.add_argument("--keep-logs", action="store_true", help="keep the logs of passing starts too")
    p.add_argument("--no-library", action="store_true", help="skip the cell that uses the NN Zoo library")
    args = p.parse_args()
    if args.count < 1:
        p.error("count must be at least 1")
    os.makedirs(args.log_dir, exist_ok=True)

    passed, failed, times = 0, 0, []
    total_started = time.monotonic()
    for i in range(1, args.count + 1):
        t0 = time.monotonic()
        ok, ready, message = one_start(i, args, args.log_dir)
        total = time.monotonic() - t0
        if ok:
            passed += 1
            times.append(ready)
            print(f"start {i:3d}/{args.count}: ok      ready {ready:5.2f} s, total {total:5.2f} s", flush=True)
        else:
            failed += 1
            print(f"start {i:3d}/{args.count}: FAILED  after {total:5.2f} s: {message}", flush=True)
    summary = f"kernel starts: {passed} passed, {failed} failed"
    if times:
        times.sort()
        summary += (f" ({100.0 * failed / args.count:.0f}% failed; ready in median {times[len(times) // 2]:.2f} s,"
                    f" max {times[-1]:.2f} s; {time.monotonic() - total_started:.0f} s in all)")
    print(summary, flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

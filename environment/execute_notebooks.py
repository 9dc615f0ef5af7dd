"""Executes NN Zoo notebooks headless through the Java kernel and writes a results report.

For each notebook: a fresh kernel with NNZOO_PROFILE and NNZOO_METRICS_FILE set (the metrics contract
of org.nnzoo.notebook.Results), every cell run in order, the executed notebook saved to OUT/<name>.ipynb
(also when it fails). Then OUT/results.json, OUT/report.md and OUT/report.html. Exit status 1 when
any notebook failed, 2 on bad arguments.

Run it through environment/execute-notebooks.sh, which installs the kernelspec of this checkout and
points JUPYTER_PATH at it; run alone it uses whichever "nnzoo-java" kernel Jupyter finds.
"""
import argparse
import datetime
import html
import json
import math
import os
import re
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402  (this folder's machine.py: the report's line about the machine and mode)

PROFILES = ("smoke", "default", "full")
# per-cell time limit when --timeout is not given; 0 = none
DEFAULT_CELL_TIMEOUT = {"smoke": 900, "default": 3 * 3600, "full": 0}
EXPECTED_KERNEL = "nnzoo-java"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def log(msg):
    print(msg, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    env_profile = os.environ.get("NNZOO_PROFILE") or "default"
    p.add_argument("--profile", default=env_profile, choices=PROFILES,
                   help="NNZOO_PROFILE given to every notebook (default: $NNZOO_PROFILE, else default)")
    p.add_argument("--out", default=os.path.join(REPO_ROOT, "target", "notebooks"),
                   help="output folder (default: target/notebooks in the repository)")
    p.add_argument("--timeout", type=int, default=None,
                   help="seconds per cell, 0 for none (default: smoke 900, default 10800, full none)")
    p.add_argument("--startup-timeout", type=int, default=120, help="seconds for the kernel to start (120)")
    p.add_argument("--kernel", default=None,
                   help="kernelspec name for every notebook (default: the notebook's own, nnzoo-java)")
    p.add_argument("notebooks", nargs="*",
                   help="notebook files or names (default: every notebooks/*.ipynb, sorted)")
    args = p.parse_args(argv)
    if args.timeout is None:
        args.timeout = DEFAULT_CELL_TIMEOUT[args.profile]
    return args


def find_notebooks(names):
    nb_dir = os.path.join(REPO_ROOT, "notebooks")
    if not names:
        if not os.path.isdir(nb_dir):
            return []
        return [os.path.join(nb_dir, f) for f in sorted(os.listdir(nb_dir))
                if f.endswith(".ipynb") and not f.startswith(".")]
    found, missing = [], []
    for name in names:
        candidates = [name, name + ".ipynb", os.path.join(nb_dir, name), os.path.join(nb_dir, name + ".ipynb")]
        path = next((c for c in candidates if os.path.isfile(c)), None)
        (found if path else missing).append(os.path.abspath(path) if path else name)
    if missing:
        raise SystemExit(f"error: no such notebook: {', '.join(missing)} (looked in . and {nb_dir})")
    return found


def read_metrics(path):
    metrics = {}
    if not os.path.exists(path):
        return metrics
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
                name, value = item["name"], item["value"]
                if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                    metrics[str(name)] = value  # a metric recorded twice keeps its last value
                    continue
            except (ValueError, KeyError, TypeError):
                pass
            log(f"  warning: {path}:{number}: not a {{\"name\":..,\"value\":number}} line: {line[:120]}")
    return metrics


def read_machine(path):
    """What the kernel said its numbers depend on (org.nnzoo.notebook.Results writes it at each record):
    CPU model and ISA, the code path each native library took, PyTorch threads, reproducible mode, versions.
    Without it (no metric recorded) only what the runner knows."""
    try:
        with open(path, encoding="utf-8") as f:
            described = json.load(f)  # not "machine": that is the module used below
        if isinstance(described, dict):
            return described
    except (OSError, ValueError):
        pass
    return {"reproducible_mode": os.environ.get("NNZOO_REPRODUCIBLE", "").strip().lower() not in ("0", "false", "no", "off"),
            "cpu_model": machine.cpu_model(), "note": "the kernel recorded no metric, so it did not describe itself"}


def coalesce_streams(nb):
    """Merges consecutive stdout (or stderr) outputs of a cell into one, as Jupyter shows them.

    The Java kernel flushes every print separately, so one printf becomes many stream outputs in the
    saved notebook; a reader of the executed file should see one block of text per cell and stream.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] = merged[-1]["text"] + out["text"]
            else:
                merged.append(out)
        cell["outputs"] = merged


# an object's default toString, e.g. java.io.PrintStream@e339c11 (or an array's, [D@1b6d3586, or a lambda's): what
# JShell shows when a cell's last line is an expression with a value nobody meant to show (System.out.printf(...)
# returns the stream, a setter the styler)
IDENTITY = re.compile(r"^\[*[A-Za-z_$][\w$.;/\[]*@[0-9a-f]{4,}$")


def identity_results(nb):
    """(cell index, text) of the cells whose displayed result is only an object's identity."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "execute_result":
                continue
            texts = ["".join(v) if isinstance(v, list) else str(v) for v in out.get("data", {}).values()]
            hit = next((t.strip() for t in texts if IDENTITY.match(t.strip())), None)
            if hit:
                found.append((i, hit))
                break
    return found


def count_images(nb):
    return sum(1 for cell in nb.cells if cell.get("cell_type") == "code"
               for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))


def error_output_text(cell):
    """ename: evalue plus the cell's traceback, without terminal colours."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            lines = [ANSI.sub("", line) for line in out.get("traceback", [])]
            head = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".rstrip(": ")
            body = "\n".join(line for line in lines if line.strip())
            # the kernel wraps exceptions thrown by a cell in EvalException; lead with the real one
            first = body.splitlines()[0] if body else ""
            if out.get("ename") == "EvalException" and re.match(r"^[\w.$]+(Exception|Error)\b", first):
                return body
            if not out.get("evalue") and body:
                # e.g. CompilerException: the reason is the traceback's last line ("cannot find symbol")
                head = f"{head}: {body.splitlines()[-1].strip()}"
            return head + ("\n" + body if body else "")
    return ""


def log_tail(path, lines=15):
    """'; kernel log PATH ends with: ...' or '' when the log is empty."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = "".join(f.readlines()[-lines:])
    except OSError:
        text = ""
    return f"; kernel log {path} ends with:\n{text}" if text.strip() else ""


def kernel_peak_rss_kb(client):
    """The kernel process's peak resident memory so far (VmHWM, kB; Linux), or None where it cannot be read: what a
    course server's per-student memory limit has to hold (the kernelspec starts the JVM itself, no wrapper)."""
    try:
        pid = client.km.provisioner.process.pid
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (AttributeError, OSError, ValueError):
        return None
    return None


def execute_one(path, args, out_dir):
    name = os.path.splitext(os.path.basename(path))[0]
    metrics_file = os.path.join(out_dir, "metrics", name + ".jsonl")
    machine_file = os.path.join(out_dir, "metrics", name + ".machine.json")
    kernel_log = os.path.join(out_dir, "logs", name + ".kernel.log")
    for stale in (metrics_file, machine_file):
        if os.path.exists(stale):
            os.remove(stale)
    nb = nbformat.read(path, as_version=4)
    kernel_name = args.kernel or nb.metadata.get("kernelspec", {}).get("name") or EXPECTED_KERNEL
    if kernel_name != EXPECTED_KERNEL:
        log(f"  warning: {name} asks for kernel '{kernel_name}', not '{EXPECTED_KERNEL}'")

    state = {"cell": None, "peak_rss_kb": None}

    def on_cell_start(cell, cell_index, **_):
        state["cell"] = cell_index

    def on_cell_complete(**_):
        peak = kernel_peak_rss_kb(client)
        if peak is not None:
            state["peak_rss_kb"] = max(peak, state["peak_rss_kb"] or 0)

    client = NotebookClient(
        nb,
        timeout=args.timeout if args.timeout > 0 else None,
        startup_timeout=args.startup_timeout,
        kernel_name=kernel_name,
        allow_errors=False,
        interrupt_on_timeout=False,
        resources={"metadata": {"path": os.path.dirname(path)}},  # the kernel's working folder
        on_cell_start=on_cell_start,
        on_cell_complete=on_cell_complete,
    )
    env = dict(os.environ)
    env["NNZOO_PROFILE"] = args.profile
    env["NNZOO_METRICS_FILE"] = metrics_file

    entry = {"notebook": name, "profile": args.profile, "status": "ok"}
    started = time.monotonic()
    try:
        with open(kernel_log, "w", encoding="utf-8") as klog:
            client.execute(env=env, stdout=klog, stderr=klog)
    except CellTimeoutError:
        entry["status"] = "failed"
        entry["error"] = {"cell": state["cell"], "message": f"cell timed out after {args.timeout} s (--timeout)"}
    except CellExecutionError as e:
        entry["status"] = "failed"
        cell = nb.cells[state["cell"]] if state["cell"] is not None else {}
        message = error_output_text(cell) or f"{e.ename}: {e.evalue}"
        entry["error"] = {"cell": state["cell"], "message": message[:4000]}
    except DeadKernelError as e:
        entry["status"] = "failed"
        entry["error"] = {"cell": state["cell"],
                          "message": f"the kernel died ({e}){log_tail(kernel_log)}"}
    except Exception as e:  # start-up failures and anything else nbclient raises
        entry["status"] = "failed"
        entry["error"] = {"cell": state["cell"],
                          "message": f"{type(e).__name__}: {e}{log_tail(kernel_log)}"}
    identities = identity_results(nb) if entry["status"] == "ok" else []
    if identities:
        cell, text = identities[0]
        entry["status"] = "failed"
        entry["error"] = {"cell": cell, "message": f"the cell shows '{text}', an object's identity, as its result: its last"
                          " line is an expression with a value (System.out.printf returns the stream, a chart setter its"
                          " styler); end the cell with a statement that returns nothing, e.g. System.out.println(String.format(...))"}
    entry["seconds"] = round(time.monotonic() - started, 2)
    if state["peak_rss_kb"] is not None:
        entry["peak_rss_mb"] = round(state["peak_rss_kb"] / 1024)
    if "error" in entry and entry["error"]["cell"] is not None:
        cell = nb.cells[entry["error"]["cell"]]
        entry["error"]["execution_count"] = cell.get("execution_count")
    entry["metrics"] = read_metrics(metrics_file)
    entry["machine"] = read_machine(machine_file)
    entry["images"] = count_images(nb)
    coalesce_streams(nb)
    nbformat.write(nb, os.path.join(out_dir, name + ".ipynb"))
    return entry


def fmt_metrics(metrics):
    return ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items())


def where(entry):
    err = entry.get("error", {})
    if err.get("cell") is None:
        return "kernel start"
    ec = err.get("execution_count")
    return f"cell {err['cell']}" + (f" (In [{ec}])" if ec else "")


def write_reports(results, args, out_dir, stamp):
    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")

    passed = sum(r["status"] == "ok" for r in results)
    md = [f"# NN Zoo notebooks: profile `{args.profile}`", "",
          f"{stamp}: {passed} of {len(results)} passed, {sum(r['seconds'] for r in results):.0f} s in all.", "",
          machine.summary(results) + ".", "",
          "Peak memory: the kernel process's peak resident set (VmHWM), what a course server's memory limit per "
          "student must hold for that notebook (`install-hub.sh --mem-limit`).", "",
          "| notebook | status | seconds | peak memory (MB) | images | metrics |", "|---|---|---:|---:|---:|---|"]
    for r in results:
        md.append(f"| {r['notebook']} | {r['status']} | {r['seconds']:.1f} | {r.get('peak_rss_mb', '?')} | {r['images']} | "
                  f"{fmt_metrics(r['metrics']).replace('|', '/')} |")
    failures = [r for r in results if r["status"] != "ok"]
    if failures:
        md += ["", "## Failures", ""]
        for r in failures:
            md += [f"### {r['notebook']}: {where(r)}", "", "```", r["error"]["message"], "```", ""]
    with open(os.path.join(out_dir, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md).rstrip() + "\n")

    e = html.escape
    rows = []
    for r in results:
        colour = "#1a7f37" if r["status"] == "ok" else "#cf222e"
        rows.append(
            f"<tr><td><a href=\"{e(r['notebook'])}.ipynb\">{e(r['notebook'])}</a></td>"
            f"<td style=\"color:{colour};font-weight:bold\">{e(r['status'])}</td>"
            f"<td class=\"n\">{r['seconds']:.1f}</td><td class=\"n\">{r.get('peak_rss_mb', '?')}</td>"
            f"<td class=\"n\">{r['images']}</td>"
            f"<td>{e(fmt_metrics(r['metrics']))}</td></tr>")
        if r["status"] != "ok":
            rows.append(f"<tr><td colspan=\"6\"><b>{e(where(r))}</b><pre>{e(r['error']['message'])}</pre></td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>NN Zoo notebooks ({e(args.profile)})</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
td.n{{text-align:right}}pre{{white-space:pre-wrap;margin:0;font-size:90%}}</style></head>
<body><h1>NN Zoo notebooks: profile {e(args.profile)}</h1>
<p>{e(stamp)}: {passed} of {len(results)} passed.</p>
<p>{e(machine.summary(results))}.</p>
<table><tr><th>notebook</th><th>status</th><th>seconds</th><th>peak memory (MB)</th><th>images</th><th>metrics</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    with open(os.path.join(out_dir, "report.html"), "w", encoding="utf-8") as f:
        f.write(page)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv=None):
    args = parse_args(argv)
    notebooks = find_notebooks(args.notebooks)
    out_dir = os.path.abspath(args.out)
    for sub in ("", "metrics", "logs"):
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    # a SIGTERM (e.g. a CI job cancelled) ends the run like Ctrl-C: kernels are shut down, reports written
    signal.signal(signal.SIGTERM, _raise_interrupt)

    if not notebooks:
        log(f"warning: no notebooks in {os.path.join(REPO_ROOT, 'notebooks')}: nothing to execute")
    log(f"executing {len(notebooks)} notebook(s), profile {args.profile}, "
        f"cell timeout {args.timeout or 'none'}{' s' if args.timeout else ''}, output {out_dir}")
    results = []
    interrupted = False
    for path in notebooks:
        try:
            entry = execute_one(path, args, out_dir)
        except KeyboardInterrupt:
            interrupted = True
            log("interrupted: writing the report of the notebooks that finished")
            break
        results.append(entry)
        extra = f"  {fmt_metrics(entry['metrics'])}" if entry["metrics"] else ""
        status = "ok" if entry["status"] == "ok" else f"FAILED at {where(entry)}"
        rss = f"  peak {entry['peak_rss_mb']} MB" if "peak_rss_mb" in entry else ""
        log(f"{entry['notebook']:<40} {status:<12} {entry['seconds']:8.1f} s{rss}  images {entry['images']}{extra}")
        if entry["status"] != "ok":
            first = entry["error"]["message"].splitlines()[0] if entry["error"]["message"] else ""
            log(f"    {first[:200]}")

    write_reports(results, args, out_dir, stamp)
    failed = [r for r in results if r["status"] != "ok"]
    log(f"notebooks: {len(results) - len(failed)} ok, {len(failed)} failed; "
        f"report: {os.path.join(out_dir, 'report.md')}")
    if interrupted:
        return 130
    if failed:
        for r in failed:
            log(f"FAILED: {r['notebook']} at {where(r)}: "
                f"{(r['error']['message'].splitlines() or [''])[0][:200]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

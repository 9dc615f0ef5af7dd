"""Runs the exercise cells of students' notebooks and tabulates what their checks say.

    bash environment/grade-exercises.sh [--out grades.csv] NOTEBOOK...

For an instructor who collected the students' copies of a chapter (on the course server each student's copies are
in ~/nnzoo-notebooks/): every code cell that calls Exercise.check(...) is run, in order, in one fresh Java kernel
per notebook (the rest of the chapter is not run, so grading a class takes seconds per student, not the chapter's
minutes: an exercise cell must be self-contained, as the skeletons are). Each exercise gets one result:

    correct            the check passed every case
    not yet right      the check ran and at least one case failed (its lines say what is wrong)
    not attempted      the skeleton still throws Exercise.todo()
    error              the cell did not compile or threw (the message is in the detail column)

Prints a table (notebook x exercise) and writes it as CSV with --out (notebook, exercise, result, detail).
Exit status 0 when every notebook could be run (whatever the grades), 1 when a kernel could not be started.
Run it through environment/grade-exercises.sh, which installs the kernel of this checkout in a private folder.

The exercise cells are the students' code, run with the privileges of whoever runs this: run it as an unprivileged
account on copies of the notebooks, never as root (README, "For an instructor"). And the verdict is what the cell
printed: a student can make a cell print "Exercise 3.1: correct", so read a sample of the cells, too.
"""
import argparse
import csv
import os
import re
import sys
import tempfile
import warnings

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CHECK = re.compile(r'Exercise\.check\(\s*"(\d+\.\d+)"')
VERDICT = re.compile(r"^Exercise (\d+\.\d+): (correct|not yet right|not attempted yet)", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def exercise_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and CHECK.search(c.source)]


def text_of(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append(f"{o.get('ename', '')}: {o.get('evalue', '')} " + " ".join(o.get("traceback", [])))
    return ANSI.sub("", "".join(parts))


def grade(path, timeout, startup_timeout):
    """Returns [(exercise, result, detail)] for one notebook."""
    nb = nbformat.read(path, as_version=4)
    cells = exercise_cells(nb)
    if not cells:
        return [("-", "error", "no exercise cells (Exercise.check(...)) in this notebook")]
    run = nbformat.v4.new_notebook(cells=cells)
    # always this checkout's Java kernel (grade-exercises.sh installs it), never the kernel the student's notebook
    # names: its metadata is the student's to edit
    client = NotebookClient(run, timeout=timeout, startup_timeout=startup_timeout, allow_errors=True,
                            kernel_name="nnzoo-java",
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    with tempfile.TemporaryFile("w+") as kernel_log:  # the kernel's own logging, shown only if it fails to start
        try:
            client.execute(stdout=kernel_log, stderr=kernel_log)
        except Exception:
            kernel_log.seek(0)
            sys.stderr.write(kernel_log.read()[-3000:])
            raise
    rows = []
    for cell in run.cells:
        ids = CHECK.findall(cell.source)
        out = text_of(cell)
        verdicts = dict(VERDICT.findall(out))
        for ex in ids:
            if ex in verdicts:
                result = verdicts[ex].replace(" yet", "") if verdicts[ex] == "not attempted yet" else verdicts[ex]
                detail = " | ".join(l.strip() for l in out.splitlines() if l.strip().startswith(("✗", "hint:")))[:500]
            else:
                result, detail = "error", (" ".join(out.split())[:500] or "the cell printed nothing")
            rows.append((ex, result, detail))
    return rows


def main(argv=None):
    warnings.filterwarnings("ignore", module="nbformat")  # students' notebooks without cell ids are fine here
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="write the grades as CSV to this file")
    p.add_argument("--timeout", type=int, default=300, help="seconds per cell (300)")
    p.add_argument("--startup-timeout", type=int, default=120, help="seconds for a kernel to start (120)")
    p.add_argument("notebooks", nargs="+", help="students' notebook files")
    args = p.parse_args(argv)
    table, failed = [], False
    for path in args.notebooks:
        if not os.path.isfile(path):
            print(f"grade: {path}: no such file", file=sys.stderr)
            failed = True
            continue
        try:
            rows = grade(path, args.timeout, args.startup_timeout)
        except (CellTimeoutError, DeadKernelError, CellExecutionError, RuntimeError, OSError) as e:
            rows = [("-", "error", f"could not run: {type(e).__name__}: {str(e)[:300]}")]
            failed = True
        for ex, result, detail in rows:
            table.append((path, ex, result, detail))
            print(f"{path}\t{ex}\t{result}\t{detail}", flush=True)
    if args.out:
        tmp = args.out + ".part"
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["notebook", "exercise", "result", "detail"])
            w.writerows(table)
        os.replace(tmp, args.out)
        print(f"grade: {len(table)} rows in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Self-test of the exercise grader (environment/grade-exercises.sh) with the real kernel, about 30 s; needs
# `mvn package` first. Three "students" of chapter 3, made from notebooks/03-cnn-lenet.ipynb: one answers 3.1 with
# its solution and 3.2 wrongly (pooling from 0), one hands in the skeletons, one answers 3.1 with code that does not
# compile; a fourth answers 3.1 with its solution in a notebook whose metadata names another kernel (python3), which
# the grader must ignore. The grades must be correct / not yet right (with its hint), not attempted x2, error, correct.
# As root the grader must refuse (the cells are students' code) unless NNZOO_GRADE_AS_ROOT=1, which the self-test
# sets: its "students" are made here.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

out="$NNZOO_ROOT/target/grade-selftest"
rm -rf "$out"
mkdir -p "$out/alice" "$out/bob" "$out/carol" "$out/dave"
py="$(nnzoo_python)" || nnzoo_die "no python with nbclient: bash environment/install-deps.sh"
"$py" - "$NNZOO_ROOT" "$out" <<'PY'
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
nb = json.load(open(os.path.join(root, "notebooks", "03-cnn-lenet.ipynb"), encoding="utf-8"))
def with_cells(replace):
    c = json.loads(json.dumps(nb))
    for cell in c["cells"]:
        src = "".join(cell["source"])
        for key, text in replace.items():
            if cell["cell_type"] == "code" and f'Exercise.check("{key}"' in src:
                cell["source"] = text
    return c
solution = open(os.path.join(root, "solutions", "03-cnn-lenet", "3.1.jsh"), encoding="utf-8").read()
wrong_pool = """Chapter03.MaxPool myPool = (x, k, s) -> {
    float[][][] y = new float[x.length][(x[0].length - k) / s + 1][(x[0][0].length - k) / s + 1];
    for (int c = 0; c < x.length; c++) for (int i = 0; i < y[c].length; i++) for (int j = 0; j < y[c][i].length; j++)
        for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) y[c][i][j] = Math.max(y[c][i][j], x[c][i * s + u][j * s + v]);
    return y;
};
Exercise.check("3.2", myPool);"""
broken = """Chapter03.Conv myConv = (x, w, b, stride, padding) -> { return y; };
Exercise.check("3.1", myConv);"""
for name, c in (("alice", with_cells({"3.1": solution, "3.2": wrong_pool})), ("bob", with_cells({})),
                ("carol", with_cells({"3.1": broken}))):
    json.dump(c, open(os.path.join(out, name, "03-cnn-lenet.ipynb"), "w", encoding="utf-8"), indent=1)
dave = with_cells({"3.1": solution})
dave["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
json.dump(dave, open(os.path.join(out, "dave", "03-cnn-lenet.ipynb"), "w", encoding="utf-8"), indent=1)
PY
if [[ "$(id -u)" == 0 ]]; then
    if NNZOO_GRADE_AS_ROOT=0 bash "$NNZOO_ROOT/environment/grade-exercises.sh" "$out/bob/03-cnn-lenet.ipynb" >"$out/root.log" 2>&1 \
            || ! grep -q "not as root" "$out/root.log"; then
        cat "$out/root.log" >&2
        nnzoo_die "grader self-test: as root, grade-exercises.sh should refuse to run the students' cells"
    fi
    export NNZOO_GRADE_AS_ROOT=1
fi
bash "$NNZOO_ROOT/environment/grade-exercises.sh" --out "$out/grades.csv" \
    "$out/alice/03-cnn-lenet.ipynb" "$out/bob/03-cnn-lenet.ipynb" "$out/carol/03-cnn-lenet.ipynb" \
    "$out/dave/03-cnn-lenet.ipynb" >"$out/grade.log" 2>&1 \
    || { cat "$out/grade.log" >&2; nnzoo_die "grader self-test: grade-exercises.sh failed"; }
"$py" - "$out/grades.csv" <<'PY'
import csv, sys
rows = {(r["notebook"].split("/")[-2], r["exercise"]): r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
want = {("alice", "3.1"): "correct", ("alice", "3.2"): "not yet right", ("bob", "3.1"): "not attempted",
        ("bob", "3.2"): "not attempted", ("carol", "3.1"): "error", ("carol", "3.2"): "not attempted",
        ("dave", "3.1"): "correct"}
got = {k: rows[k]["result"] if k in rows else None for k in want}
assert got == want, f"grades {got}, expected {want}"
assert "NEGATIVE_INFINITY" in rows[("alice", "3.2")]["detail"], rows[("alice", "3.2")]
assert "y" in rows[("carol", "3.1")]["detail"], rows[("carol", "3.1")]
print("[nnzoo] grader self-test ok: correct / not yet right (with its hint) / not attempted / error, as expected;"
      " the notebook's own kernel name ignored; as root it refuses without NNZOO_GRADE_AS_ROOT=1")
PY

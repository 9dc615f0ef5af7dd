#!/usr/bin/env bash
# Runs the exercise cells (those calling Exercise.check) of students' notebooks in the Java kernel of THIS checkout
# and prints one line per notebook and exercise: correct / not yet right / not attempted / error, with what the check
# said (environment/grade_exercises.py --help). Needs `mvn -DskipTests -DskipNotebooks package` first (run.sh does it).
#   bash environment/grade-exercises.sh [--out grades.csv] STUDENT_NOTEBOOK...
#   e.g. on the course server: sudo bash environment/grade-exercises.sh --out ch3.csv /home/*/nnzoo-notebooks/03-cnn-lenet.ipynb
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

nnzoo_abspath_options "--out" "$@"
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
py="$(nnzoo_python)" || nnzoo_die "no python that can import nbclient and jupyter_client: bash environment/install-deps.sh"
prefix="$NNZOO_ROOT/target/grade.jupyter"
bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet --prefix "$prefix" >/dev/null
export JUPYTER_PATH="$prefix/share/jupyter"
exec "$py" "$NNZOO_ROOT/environment/grade_exercises.py" "$@"

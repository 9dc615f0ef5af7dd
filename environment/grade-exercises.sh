#!/usr/bin/env bash
# Runs the exercise cells (those calling Exercise.check) of students' notebooks in the Java kernel of THIS checkout
# and prints one line per notebook and exercise: correct / not yet right / not attempted / error, with what the check
# said (environment/grade_exercises.py --help). Needs `mvn -DskipTests -DskipNotebooks package` first (run.sh does it).
#   bash environment/grade-exercises.sh [--out grades.csv] STUDENT_NOTEBOOK...
# The cells are the students' code and run with your privileges: as root it refuses (README, "For an instructor":
# copy the notebooks to an unprivileged grading account and run it there).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ "$(id -u)" == 0 && "${NNZOO_GRADE_AS_ROOT:-0}" != 1 ]]; then
    nnzoo_die "grade-exercises.sh runs the students' exercise cells, their own code, with your privileges: not as root. Copy the notebooks to an unprivileged account and grade there (README.md, \"For an instructor\"); NNZOO_GRADE_AS_ROOT=1 overrides this, for a machine with no students' code on it"
fi
nnzoo_abspath_options "--out" "$@"
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
py="$(nnzoo_python)" || nnzoo_die "no python that can import nbclient and jupyter_client: bash environment/install-deps.sh"
# the grader's private kernelspec: in the checkout's target/ where it can write there, else in the caller's cache (an
# unprivileged grading account on the course server, whose checkout it may only read)
prefix="$NNZOO_ROOT/target/grade.jupyter"
if ! mkdir -p "$prefix" 2>/dev/null || [[ ! -w "$prefix" ]]; then
    prefix="${XDG_CACHE_HOME:-$HOME/.cache}/nnzoo/grade.jupyter"
fi
bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet --prefix "$prefix" >/dev/null
export JUPYTER_PATH="$prefix/share/jupyter"
exec "$py" "$NNZOO_ROOT/environment/grade_exercises.py" "$@"

#!/usr/bin/env bash
# THE MAIN JOB: installs what is missing (JupyterLab 4 and Notebook 7 into .venv-jupyter with pip, pinned; Debian's
# classic Notebook 6.4 only as the fallback), builds the library, installs the "Java 17 (NN Zoo)" Jupyter kernel for
# this checkout (for you, no root), executes the notebooks headless, prints the report and renders the book.
#   bash environment/run.sh [--profile smoke|default|full] [--timeout S] [notebook...]
# Results: target/notebooks/{results.json,report.md,report.html,<notebook>.ipynb}; the book: target/book/index.html.
# Datasets: NNZOO_DATA (e.g. NNZOO_DATA=../shared/datasets; a relative path is read from the folder you
# type the command in). pip honours PIP_INDEX_URL / PIP_EXTRA_INDEX_URL (a mirror). Afterwards:
#   .venv-jupyter/bin/jupyter lab notebooks/       (what the last line printed says)
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

profile="${NNZOO_PROFILE:-default}"
runner_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --profile) [[ $# -ge 2 ]] || nnzoo_die "--profile needs smoke, default or full"; profile="$2"; shift ;;
        --profile=*) profile="${1#--profile=}" ;;
        --timeout) [[ $# -ge 2 ]] || nnzoo_die "--timeout needs seconds"; runner_args+=(--timeout "$2"); shift ;;
        -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) nnzoo_die "unknown option: $1 (see --help)" ;;
        *) # a notebook: a file path is made absolute (this script changes folder), a name stays a name
           if [[ -f "$1" ]]; then runner_args+=("$(nnzoo_abspath "$1")"); else runner_args+=("$1"); fi ;;
    esac
    shift
done
case "$profile" in smoke|default|full) ;; *) nnzoo_die "--profile '$profile': use smoke, default or full" ;; esac

cd "$NNZOO_ROOT"
export DEBIAN_FRONTEND=noninteractive
# The reproducible mode (environment/README.md, Reproducible mode) is on unless NNZOO_REPRODUCIBLE=0: the same
# numbers on any x86-64 CPU with AVX2, README's numbers; off, CPUs with AVX-512 run faster, with numbers of their own.
export NNZOO_REPRODUCIBLE="${NNZOO_REPRODUCIBLE:-1}"

nnzoo_info "1/4 system dependencies; notebook front ends (JupyterLab 4, Notebook 7)"
bash environment/install-deps.sh
bash environment/setup-jupyter.sh --fallback
if [[ -x .venv-jupyter/bin/jupyter ]]; then
    open_cmd="$NNZOO_ROOT/.venv-jupyter/bin/jupyter lab notebooks/"
else
    open_cmd="jupyter notebook notebooks/   (classic Notebook 6.4: the JupyterLab venv could not be made, see above)"
fi

nnzoo_info "2/4 build (mvn package, tests skipped; environment/test.sh runs them)"
mvn -B -ntp -q -Dstyle.color=never -DskipTests -DskipNotebooks package </dev/null

nnzoo_info "3/4 Jupyter kernel nnzoo-java for this checkout (--user)"
kernel_args=(--user)
if [[ -n "${NNZOO_DATA:-}" ]]; then
    kernel_args+=(--data-dir "$NNZOO_DATA")  # so that notebooks opened in Jupyter find the datasets too
fi
case "${NNZOO_REPRODUCIBLE,,}" in  # notebooks opened in Jupyter give the numbers of the report
    0|false|no|off) kernel_args+=(--not-reproducible) ;;  # baked: this kernel stays off until reinstalled
    *) ;;  # the mode, the default: the kernel follows the environment Jupyter is started with
esac
bash environment/install-kernel.sh "${kernel_args[@]}"

nnzoo_info "4/4 notebooks, profile $profile"
rc=0
bash environment/execute-notebooks.sh --profile "$profile" --out target/notebooks \
    "${runner_args[@]+"${runner_args[@]}"}" || rc=$?
if [[ -f target/notebooks/report.md ]]; then
    echo
    cat target/notebooks/report.md
    echo
fi
book_rc=0
bash environment/build-book.sh --from target/notebooks --out target/book || book_rc=$?
nnzoo_info "executed notebooks and report.html: $NNZOO_ROOT/target/notebooks/"
if [[ $book_rc -eq 0 ]]; then
    nnzoo_info "the book (every chapter with its plots, equations and exercises): $NNZOO_ROOT/target/book/index.html"
else
    nnzoo_warn "the book was not built (see above); the executed notebooks are in target/notebooks/"
    [[ $rc -ne 0 ]] || rc=$book_rc
fi
nnzoo_info "open the notebooks interactively: $open_cmd   (kernel: Java 17 (NN Zoo))"
exit "$rc"

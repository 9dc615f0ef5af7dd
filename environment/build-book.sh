#!/usr/bin/env bash
# Renders executed notebooks as a static website (environment/build_book.py; see its --help): the front page, a page
# per chapter with its plots, equations and exercises, offline (MathJax from Debian's libjs-mathjax, copied in).
#   bash environment/build-book.sh [--from target/notebooks] [--out target/book]
# Uses nbconvert from the project's .venv-jupyter when it has one, else the system's (Debian's jupyter-nbconvert).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

nnzoo_abspath_options "--from --out" "$@"
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
py=""
for candidate in "$NNZOO_ROOT/.venv-jupyter/bin/python" "$(nnzoo_python || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]] && "$candidate" -c 'import nbconvert' >/dev/null 2>&1; then
        py="$candidate"
        break
    fi
done
[[ -n "$py" ]] || nnzoo_die "no python with nbconvert for the book: bash environment/setup-jupyter.sh (or apt-get install jupyter-nbconvert)"
exec "$py" "$NNZOO_ROOT/environment/build_book.py" "$@"

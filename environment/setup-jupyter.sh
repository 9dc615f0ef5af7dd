#!/usr/bin/env bash
# The notebook front ends: JupyterLab 4 and Notebook 7 (environment/jupyter-requirements.txt, pinned) in the
# project's venv .venv-jupyter/ in the repository root (git-ignored), installed with pip. Then:
#   .venv-jupyter/bin/jupyter lab notebooks/          (or: bash environment/jupyter.sh lab notebooks/)
# Idempotent: a complete venv for the same requirements and python is only checked (< 1 s).
#   bash environment/setup-jupyter.sh [--check] [--fallback]
#   --check      only report whether the venv is ready (exit 1 if not), install nothing
#   --fallback   when pip or venv is unavailable, say so and use Debian's classic Notebook 6.4
#                (jupyter-notebook, installed by install-deps.sh) instead of failing
# pip uses its own settings: PyPI by default, or a mirror through PIP_INDEX_URL / PIP_EXTRA_INDEX_URL /
# pip.conf (`pip config list` shows them). The last line printed names the front end that is installed.
# NNZOO_VENV_PYTHON: the python that creates the venv (default python3; 3.10 or newer).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=environment/venv.sh
source "$NNZOO_ROOT/environment/venv.sh"

check=()
fallback=false
for arg in "$@"; do
    case "$arg" in
        --check) check=(--check) ;;
        --fallback) fallback=true ;;
        -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) nnzoo_die "unknown option: $arg (see --help)" ;;
    esac
done

venv="$NNZOO_ROOT/.venv-jupyter"
imports='import jupyterlab, notebook, jupyter_server'
if nnzoo_venv_ensure "$venv" "$NNZOO_ROOT/environment/jupyter-requirements.txt" "$imports" "JupyterLab" "${check[@]+"${check[@]}"}"; then
    nnzoo_info "front end: $("$venv/bin/python" -c 'import jupyterlab, notebook; print("JupyterLab", jupyterlab.__version__, "and Notebook", notebook.__version__)') in $venv (open: $venv/bin/jupyter lab notebooks/)"
    exit 0
fi
if $fallback && command -v jupyter-notebook >/dev/null 2>&1; then
    nnzoo_warn "front end: FALLBACK to the classic Notebook $(jupyter-notebook --version 2>/dev/null) from Debian (no JupyterLab 4 venv, see above; open: jupyter notebook notebooks/)"
    exit 0
fi
nnzoo_die "no JupyterLab venv at $venv (see the warning above)$($fallback && echo ', and no Debian jupyter-notebook to fall back to')"

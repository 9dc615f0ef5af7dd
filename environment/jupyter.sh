#!/usr/bin/env bash
# Opens the notebooks in the project's JupyterLab 4 (or Notebook 7): the `jupyter` of .venv-jupyter/
# (environment/setup-jupyter.sh), else Debian's classic Notebook 6.4 as the fallback, saying so.
#   bash environment/jupyter.sh [lab|notebook] [jupyter options...]      (default: lab notebooks/)
# As root, adds --allow-root (the Jupyter server refuses root without it).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

app="${1:-lab}"
[[ $# -gt 0 ]] && shift
case "$app" in lab|notebook) ;; -h|--help) sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; *) nnzoo_die "use: jupyter.sh lab|notebook [options]" ;; esac
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=("$NNZOO_ROOT/notebooks/")
[[ "$(id -u)" -ne 0 ]] || args+=(--allow-root)
venv_jupyter="$NNZOO_ROOT/.venv-jupyter/bin/jupyter"
if [[ -x "$venv_jupyter" ]]; then
    exec "$venv_jupyter" "$app" "${args[@]}"
fi
command -v jupyter-notebook >/dev/null 2>&1 \
    || nnzoo_die "no front end: bash environment/setup-jupyter.sh (JupyterLab 4), or bash environment/install-deps.sh (classic Notebook)"
nnzoo_warn "no .venv-jupyter (bash environment/setup-jupyter.sh): opening Debian's classic Notebook $(jupyter-notebook --version) instead"
exec jupyter-notebook "${args[@]}"

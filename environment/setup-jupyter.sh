#!/usr/bin/env bash
# The notebook front ends: JupyterLab 4 and Notebook 7 (environment/jupyter-requirements.txt, pinned) in the
# project's venv .venv-jupyter/ in the repository root (git-ignored), installed with pip. Then:
#   .venv-jupyter/bin/jupyter lab notebooks/          (or: bash environment/jupyter.sh lab notebooks/)
# Idempotent: a complete venv for the same requirements and python is only checked (< 1 s).
#   bash environment/setup-jupyter.sh [--check] [--fallback] [--hub]
#   --check      only report whether the venv is ready (exit 1 if not), install nothing
#   --fallback   when pip or venv is unavailable, say so and use Debian's classic Notebook 6.4
#                (jupyter-notebook, installed by install-deps.sh) instead of failing
#   --hub        also make the venv run the single-user server of the system's JupyterHub (Debian's jupyterhub
#                3.0, for install-hub.sh): its pure-Python package (and async_generator, pamela, certipy,
#                jupyter_telemetry) linked in through a .pth file placed last on sys.path, checked by starting
#                `python -m jupyterhub.singleuser --version` on jupyter_server 2; exit 1 (or the fallback) if not
# pip uses its own settings: PyPI by default, or a mirror through PIP_INDEX_URL / PIP_EXTRA_INDEX_URL /
# pip.conf (`pip config list` shows them). The last line printed names the front end that is installed.
# NNZOO_VENV_PYTHON: the python that creates the venv (3.10 or newer). Default: /usr/bin/python3 when it can make
# venvs (Debian's; every user can run it, which a course server's students must, and it is the python of
# Debian's jupyterhub), else python3 on PATH.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=environment/venv.sh
source "$NNZOO_ROOT/environment/venv.sh"

check=()
fallback=false
hub=false
for arg in "$@"; do
    case "$arg" in
        --check) check=(--check) ;;
        --fallback) fallback=true ;;
        --hub) hub=true ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) nnzoo_die "unknown option: $arg (see --help)" ;;
    esac
done

venv="$NNZOO_ROOT/.venv-jupyter"
if [[ -z "${NNZOO_VENV_PYTHON:-}" ]] && /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    export NNZOO_VENV_PYTHON=/usr/bin/python3
fi
imports='import jupyter_server, jupyterlab'
# Debian's jupyterhub (the hub's own version, so hub and single-user server match) made importable in the venv
link_system_jupyterhub() {
    local system_hub sp pkgs="$venv/nnzoo-system-jupyterhub" name version
    system_hub="$(/usr/bin/python3 -c 'import jupyterhub, os; print(os.path.dirname(os.path.dirname(jupyterhub.__file__)))' 2>/dev/null)" \
        || { nnzoo_warn "no JupyterHub in /usr/bin/python3 (install-deps.sh --hub installs Debian's jupyterhub)"; return 1; }
    mkdir -p "$pkgs"
    for name in jupyterhub async_generator pamela.py certipy jupyter_telemetry; do
        [[ -e "$system_hub/$name" ]] && ln -sfn "$system_hub/$name" "$pkgs/$name"
    done
    sp="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf '%s\n' "$pkgs" >"$sp/zz-nnzoo-system-jupyterhub.pth"  # "zz": after everything the venv has
    local checked="$venv/nnzoo-singleuser-checked" what
    what="$(/usr/bin/python3 -c 'import jupyterhub; print(jupyterhub.__version__)') $(cat "$venv/.nnzoo-stamp")"
    if [[ -f "$checked" && "$(cat "$checked")" == "$what" ]]; then  # same hub, same venv: checked before
        return 0
    fi
    version="$(JUPYTERHUB_SINGLEUSER_APP=jupyter_server.serverapp.ServerApp "$venv/bin/python" -m jupyterhub.singleuser --version 2>"$venv/nnzoo-singleuser-check.log" | tail -n 1)" \
        || { nnzoo_warn "the system's jupyterhub-singleuser does not start on the venv's jupyter_server: $venv/nnzoo-singleuser-check.log"; return 1; }
    [[ "$version" == "$(/usr/bin/python3 -c 'import jupyterhub; print(jupyterhub.__version__)')" ]] \
        || { nnzoo_warn "single-user server version '$version' differs from the hub's"; return 1; }
    printf '%s\n' "$what" >"$checked"
    nnzoo_info "course server: JupyterHub $version's single-user server runs on the venv's jupyter_server $("$venv/bin/python" -c 'import jupyter_server; print(jupyter_server.__version__)') (JupyterLab)"
}

if nnzoo_venv_ensure "$venv" "$NNZOO_ROOT/environment/jupyter-requirements.txt" "$imports" "JupyterLab" "${check[@]+"${check[@]}"}" \
        && { ! $hub || link_system_jupyterhub; }; then
    nnzoo_info "front end: $("$venv/bin/python" -c 'from importlib.metadata import version as v; print("JupyterLab", v("jupyterlab"), "and Notebook", v("notebook"))') in $venv (open: $venv/bin/jupyter lab notebooks/)"
    exit 0
fi
if $fallback && command -v jupyter-notebook >/dev/null 2>&1; then
    nnzoo_warn "front end: FALLBACK to the classic Notebook $(jupyter-notebook --version 2>/dev/null) from Debian (no JupyterLab 4 venv, see above; open: jupyter notebook notebooks/)"
    exit 0
fi
nnzoo_die "no JupyterLab venv at $venv (see the warning above)$($fallback && echo ', and no Debian jupyter-notebook to fall back to')"

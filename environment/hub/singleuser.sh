#!/usr/bin/env bash
# A student's notebook server, started by JupyterHub as that student (hub/jupyterhub_config.py):
# copies the course notebooks into ~/nnzoo-notebooks (only the ones the student does not have yet,
# so their edits survive; a notebook the instructor adds later appears at the next start), then
# runs the single-user server with the arguments JupyterHub gives: JupyterLab 4 from the project's venv when
# NNZOO_HUB_FRONTEND=lab (install-hub.sh --frontend lab, the default), else Debian's classic Notebook. This folder goes on PYTHONPATH for the
# server extension nnzoo_busy_culler.py (culls kernels busy for too long; see jupyterhub_config.py).
set -euo pipefail
PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
src="${NNZOO_HUB_NOTEBOOKS:-}"
dest="${HOME:?HOME is not set}/nnzoo-notebooks"
if [[ -n "$src" && -d "$src" ]]; then
    mkdir -p "$dest"
    for nb in "$src"/*.ipynb; do
        [[ -f "$nb" ]] || continue
        target="$dest/$(basename "$nb")"
        if [[ ! -e "$target" ]]; then
            cp "$nb" "$target.part" && chmod u+w "$target.part" && mv "$target.part" "$target"
        fi
    done
else
    echo "[nnzoo] WARNING: course notebooks folder '${src}' not found (NNZOO_HUB_NOTEBOOKS); no copies made" >&2
fi
if [[ "${NNZOO_HUB_FRONTEND:-classic}" == lab ]]; then
    # JupyterLab 4: the hub's own single-user server (Debian's jupyterhub 3.0, linked into the venv by
    # setup-jupyter.sh --hub) on the venv's jupyter_server 2
    export JUPYTERHUB_SINGLEUSER_APP=jupyter_server.serverapp.ServerApp
    exec "${NNZOO_HUB_VENV:?NNZOO_HUB_VENV is not set}/bin/python" -m jupyterhub.singleuser "$@"
fi
exec jupyterhub-singleuser "$@"

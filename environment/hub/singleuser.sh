#!/usr/bin/env bash
# A student's notebook server, started by JupyterHub as that student (hub/jupyterhub_config.py):
# copies the course notebooks into ~/nnzoo-notebooks (only the ones the student does not have yet,
# so their edits survive; a notebook the instructor adds later appears at the next start), then
# runs jupyterhub-singleuser with the arguments JupyterHub gives. This folder goes on PYTHONPATH for the
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
exec jupyterhub-singleuser "$@"

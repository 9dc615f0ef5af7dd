#!/usr/bin/env bash
# Creates the project's Gymnasium venv, .venv-gymnasium/ in the repository root (git-ignored), with
# environment/gymnasium-requirements.txt (gymnasium 1.3.0, numpy): CartPoleGymnasiumTest compares
# org.nnzoo.rl.CartPole with Gymnasium's CartPole-v1 through it, and is skipped without it.
# Idempotent: a venv that was completed for the same requirements and python is only checked (< 1 s);
# an incomplete or outdated one is rebuilt. pip uses its own settings: PyPI by default, or the index in
# PIP_INDEX_URL / PIP_EXTRA_INDEX_URL / pip.conf (e.g. a local mirror on a machine without internet).
#   bash environment/setup-gymnasium.sh [--check]
#   --check   only report whether the venv is ready (exit 1 if not), install nothing
# NNZOO_VENV_PYTHON: the python that creates the venv (default python3; 3.10 or newer, with venv/ensurepip).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

check_only=false
case "${1:-}" in
    "") ;;
    --check) check_only=true ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) nnzoo_die "unknown option: $1 (see --help)" ;;
esac

venv="$NNZOO_ROOT/.venv-gymnasium"
requirements="$NNZOO_ROOT/environment/gymnasium-requirements.txt"
base_python="${NNZOO_VENV_PYTHON:-python3}"
command -v "$base_python" >/dev/null 2>&1 || nnzoo_die "no $base_python on PATH: install Python 3.10+ (or set NNZOO_VENV_PYTHON)"

# what the venv was built from: the requirements and the base interpreter
stamp_text="$(sha256sum "$requirements" | cut -d' ' -f1) $("$base_python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
stamp="$venv/.nnzoo-stamp"

ready() {
    [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$stamp_text" ]] \
        && "$venv/bin/python" -c 'import gymnasium, numpy' >/dev/null 2>&1
}

if ready; then
    nnzoo_info "Gymnasium venv ready: $venv ($("$venv/bin/python" -c 'import gymnasium, numpy; print("gymnasium", gymnasium.__version__, "numpy", numpy.__version__)'))"
    exit 0
fi
if $check_only; then
    nnzoo_warn "no complete Gymnasium venv at $venv: run bash environment/setup-gymnasium.sh"
    exit 1
fi

"$base_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || nnzoo_die "$base_python is $("$base_python" --version 2>&1); Gymnasium 1.3 needs Python 3.10 or newer (set NNZOO_VENV_PYTHON)"
nnzoo_info "creating the Gymnasium venv $venv with $base_python (index: ${PIP_INDEX_URL:-pip default}${PIP_EXTRA_INDEX_URL:+, extra: $PIP_EXTRA_INDEX_URL})"
rm -rf "$venv"
"$base_python" -m venv "$venv" \
    || nnzoo_die "$base_python -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" </dev/null \
    || nnzoo_die "pip could not install $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv (no network? set PIP_INDEX_URL to a mirror)"
"$venv/bin/python" -c 'import gymnasium, numpy' || nnzoo_die "the new venv cannot import gymnasium and numpy"
printf '%s\n' "$stamp_text" >"$stamp"
nnzoo_info "Gymnasium venv ready: $venv ($("$venv/bin/python" -c 'import gymnasium, numpy; print("gymnasium", gymnasium.__version__, "numpy", numpy.__version__)'))"

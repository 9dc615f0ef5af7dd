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

# shellcheck source=environment/venv.sh
source "$NNZOO_ROOT/environment/venv.sh"

venv="$NNZOO_ROOT/.venv-gymnasium"
imports='import gymnasium, numpy'
versions() { "$venv/bin/python" -c 'import gymnasium, numpy; print("gymnasium", gymnasium.__version__, "numpy", numpy.__version__)'; }

if $check_only; then
    nnzoo_venv_ensure "$venv" "$NNZOO_ROOT/environment/gymnasium-requirements.txt" "$imports" Gymnasium --check \
        || { nnzoo_warn "run bash environment/setup-gymnasium.sh"; exit 1; }
else
    nnzoo_venv_ensure "$venv" "$NNZOO_ROOT/environment/gymnasium-requirements.txt" "$imports" Gymnasium \
        || nnzoo_die "no Gymnasium venv at $venv (see the warning above)"
fi
nnzoo_info "Gymnasium venv ready: $venv ($(versions))"

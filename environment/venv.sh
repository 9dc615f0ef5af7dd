#!/usr/bin/env bash
# Shared by setup-gymnasium.sh and setup-jupyter.sh (sourced, after common.sh): a project-owned Python venv
# built with pip from a requirements file, idempotently.
#   nnzoo_venv_ensure VENV REQUIREMENTS IMPORTS LABEL [--check]
# VENV: its folder; REQUIREMENTS: a pip requirements file (pinned); IMPORTS: the python statement that
# proves the venv works (e.g. 'import gymnasium, numpy'); LABEL: what it is, for the messages.
# A venv completed for the same requirements and base python (a stamp file) is only checked (< 1 s); an
# incomplete or outdated one is rebuilt. pip uses its own settings: PyPI by default, or PIP_INDEX_URL /
# PIP_EXTRA_INDEX_URL / pip.conf (a local mirror on a machine without internet).
# NNZOO_VENV_PYTHON: the python that creates the venv (default python3; 3.10 or newer, with venv/ensurepip).
# Returns 0 when ready, 1 when not (after the message saying why); --check installs nothing.

nnzoo_venv_ensure() {
    local venv="$1" requirements="$2" imports="$3" label="$4" check_only=false
    [[ "${5:-}" == --check ]] && check_only=true
    local base_python="${NNZOO_VENV_PYTHON:-python3}"
    if ! command -v "$base_python" >/dev/null 2>&1; then
        nnzoo_warn "no $base_python on PATH: install Python 3.10+ (or set NNZOO_VENV_PYTHON)"
        return 1
    fi
    # what the venv was built from: the requirements and the base interpreter
    local stamp_text stamp="$venv/.nnzoo-stamp"
    stamp_text="$(sha256sum "$requirements" | cut -d' ' -f1) $("$base_python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$stamp_text" ]] \
            && "$venv/bin/python" -c "$imports" >/dev/null 2>&1; then
        return 0
    fi
    if $check_only; then
        nnzoo_warn "no complete $label venv at $venv"
        return 1
    fi
    if ! "$base_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
        nnzoo_warn "$base_python is $("$base_python" --version 2>&1); $label needs Python 3.10 or newer (set NNZOO_VENV_PYTHON)"
        return 1
    fi
    nnzoo_pip_mirror_if_offline "$base_python"
    nnzoo_info "creating the $label venv $venv with $base_python (index: ${PIP_INDEX_URL:-pip default}${PIP_EXTRA_INDEX_URL:+, extra: $PIP_EXTRA_INDEX_URL})"
    rm -rf "$venv"
    if ! "$base_python" -m venv "$venv"; then
        nnzoo_warn "$base_python -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"
        return 1
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" </dev/null; then
        nnzoo_warn "pip could not install $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv (no network? set PIP_INDEX_URL to a mirror)"
        return 1
    fi
    if ! "$venv/bin/python" -c "$imports"; then
        nnzoo_warn "the new $label venv fails: $imports"
        return 1
    fi
    printf '%s\n' "$stamp_text" >"$stamp"
}

# Without PIP_INDEX_URL, on a machine where PyPI cannot be reached but pip's configuration lists extra indexes
# (local mirrors), pip would retry PyPI for every package (minutes of timeouts): use the first configured
# extra index as the index and the others as extras, for this script only, and say so. With internet, or
# with PIP_INDEX_URL set, nothing changes.
nnzoo_pip_mirror_if_offline() {
    [[ -z "${PIP_INDEX_URL:-}" ]] || return 0
    local extras
    extras="$("$1" -m pip config get global.extra-index-url 2>/dev/null | tr '\n' ' ')" || return 0
    read -r -a extras <<<"$extras"
    [[ ${#extras[@]} -gt 0 ]] || return 0
    if "$1" -c 'import urllib.request; urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=5)' >/dev/null 2>&1; then
        return 0
    fi
    export PIP_INDEX_URL="${extras[0]}"
    export PIP_EXTRA_INDEX_URL="${extras[*]:1}"
    [[ -n "$PIP_EXTRA_INDEX_URL" ]] || unset PIP_EXTRA_INDEX_URL
    nnzoo_warn "PyPI is not reachable: pip uses its configured mirror ${PIP_INDEX_URL} as the index${PIP_EXTRA_INDEX_URL:+ (extra: $PIP_EXTRA_INDEX_URL)} (set PIP_INDEX_URL to choose)"
}

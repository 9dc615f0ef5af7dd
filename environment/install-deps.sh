#!/usr/bin/env bash
# Installs the system packages NN Zoo needs: a JDK 17+, Maven, Jupyter (notebook, nbconvert,
# nbclient, ipykernel), fonts for headless plots, and setpriv (util-linux) for the kernel wrapper.
# --hub adds JupyterHub (Debian's jupyterhub 3.0, with configurable-http-proxy); --browser adds
# Chromium and npm (the browser tests: npm installs playwright-core, which drives that Chromium).
# Idempotent: it only calls apt-get when something is missing, so a second run takes a second.
# Non-interactive (works with no stdin, e.g. CI=true). Uses sudo when not root.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<'USAGE'
usage: bash environment/install-deps.sh [--check] [--hub] [--browser]
  --check   only report what is missing (exit 1 if anything is), install nothing
  --hub     also JupyterHub (jupyterhub, configurable-http-proxy, openssl for its certificate) for a course server
  --browser also Chromium and npm, for the browser tests (tests/browser-tests.sh, hub_ui.py)
USAGE
}

check_only=false
with_hub=false
with_browser=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --check) check_only=true ;;
        --hub) with_hub=true ;;
        --browser) with_browser=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; nnzoo_die "unknown option: $1" ;;
    esac
    shift
done

# Debian/Ubuntu package -> a quick functional test that makes the package unnecessary when it passes
# (e.g. a JDK 17+ from SDKMAN or a Maven from a tarball is fine).
have_java17() {
    local java version
    java="$(nnzoo_java)" || return 1
    version="$(nnzoo_java_version "$java")"
    [[ -n "$version" && "${version%%.*}" -ge 17 ]] || return 1
    # a JDK, not a JRE: JShell (the kernel) needs the compiler
    [[ -x "$(dirname "$java")/javac" || -x "$(dirname "$(readlink -f "$java")")/javac" ]]
}
have_python_module() {
    local py
    for py in "${NNZOO_PYTHON:-}" /usr/bin/python3; do
        [[ -n "$py" && -x "$py" ]] || continue
        "$py" -c "import $1" >/dev/null 2>&1 && return 0
    done
    return 1
}
have_chp() { bash "$NNZOO_ROOT/environment/hub/configurable-http-proxy.sh" --version; }
have_venv() { "${NNZOO_VENV_PYTHON:-python3}" -c 'import venv, ensurepip'; }  # the venvs of setup-jupyter/-gymnasium
have_fonts() { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi dejavu; }

# "package|test" pairs; the test is a shell function call that succeeds when the package is not needed.
requirements=(
    "openjdk-17-jdk-headless|have_java17"
    "maven|command -v mvn"
    "jupyter-notebook|command -v jupyter-notebook"
    "jupyter-nbconvert|have_python_module nbconvert"
    "python3-nbclient|have_python_module nbclient"
    "python3-ipykernel|have_python_module ipykernel"
    "fontconfig|command -v fc-list"
    "fonts-dejavu-core|have_fonts"
    "util-linux|command -v setpriv"
    "python3-venv|have_venv"
    "libjs-mathjax|test -f /usr/share/javascript/mathjax/MathJax.js"  # the book's equations (build_book.py), offline
)
if $with_hub; then
    requirements+=(
        "jupyterhub|command -v jupyterhub && command -v jupyterhub-singleuser"
        "node-configurable-http-proxy|have_chp"
        "openssl|command -v openssl"
    )
fi
if $with_browser; then
    requirements+=("chromium|nnzoo_chromium" "npm|command -v npm")
fi

dpkg_installed() {
    command -v dpkg-query >/dev/null 2>&1 \
        && [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for req in "${requirements[@]}"; do
    pkg="${req%%|*}"
    test_cmd="${req#*|}"
    if dpkg_installed "$pkg" || eval "$test_cmd" >/dev/null 2>&1; then
        continue
    fi
    missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    nnzoo_info "system dependencies: all present (java $(nnzoo_java_version "$(nnzoo_java)"), mvn at $(command -v mvn || echo '?'), nbclient via $(nnzoo_python || echo '?'))"
    exit 0
fi

nnzoo_info "missing: ${missing[*]}"
if $check_only; then
    exit 1
fi

# root, or sudo without a password prompt (no stdin in CI)
as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        as_root=(__no_root__)
    fi
fi

if command -v apt-get >/dev/null 2>&1 && [[ "${as_root[0]:-}" != "__no_root__" ]]; then
    export DEBIAN_FRONTEND=noninteractive
    # A distribution without openjdk-17 (e.g. Debian 13) gets its default JDK instead (21+ works too).
    to_install=()
    for pkg in "${missing[@]}"; do
        if [[ "$pkg" == openjdk-17-jdk-headless ]] \
            && ! apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
            pkg=default-jdk-headless
        fi
        to_install+=("$pkg")
    done
    nnzoo_info "apt-get update && apt-get install ${to_install[*]}"
    "${as_root[@]}" apt-get update -q </dev/null \
        || nnzoo_die "apt-get update failed (no network? no sudo rights? try: sudo apt-get update)"
    # apt-get update may have been needed for the openjdk-17 check: redo it after the update
    for i in "${!to_install[@]}"; do
        if [[ "${to_install[$i]}" == default-jdk-headless ]] && apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
            to_install[i]=openjdk-17-jdk-headless
        fi
    done
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${to_install[@]}" </dev/null \
        || nnzoo_die "apt-get install ${to_install[*]} failed"
    nnzoo_info "installed: ${to_install[*]}"
    exit 0
fi

# No apt (or no root): the Python side can come from pip; the rest must be installed by hand.
python_missing=false
for pkg in "${missing[@]}"; do
    case "$pkg" in
        jupyter-notebook|jupyter-nbconvert|python3-nbclient|python3-ipykernel) python_missing=true ;;
    esac
done
if $python_missing && command -v python3 >/dev/null 2>&1; then
    nnzoo_info "no apt-get (or no root): trying pip install --user notebook nbconvert nbclient ipykernel"
    if python3 -m pip install --user --quiet notebook nbconvert nbclient ipykernel </dev/null; then
        nnzoo_info "pip install done; set NNZOO_PYTHON=$(command -v python3) if it is not /usr/bin/python3"
        remaining=()
        for pkg in "${missing[@]}"; do
            case "$pkg" in
                jupyter-notebook|jupyter-nbconvert|python3-nbclient|python3-ipykernel) ;;
                *) remaining+=("$pkg") ;;
            esac
        done
        missing=("${remaining[@]+"${remaining[@]}"}")
    else
        nnzoo_warn "pip install failed"
    fi
fi

if [[ ${#missing[@]} -gt 0 ]]; then
    cat >&2 <<MSG
[nnzoo] ERROR: cannot install these automatically: ${missing[*]}
Install them yourself, for example:
  Debian/Ubuntu:  sudo apt-get install -y ${missing[*]}
  Fedora/RHEL:    sudo dnf install -y java-17-openjdk-devel maven python3-notebook python3-nbconvert python3-nbclient fontconfig dejavu-sans-fonts util-linux
  macOS:          brew install openjdk@17 maven jupyterlab   (setpriv does not exist there; see environment/README.md)
  any OS:         a JDK 17+ on PATH or JAVA_HOME, Maven 3.8+, and: python3 -m pip install --user notebook nbconvert nbclient ipykernel
MSG
    exit 1
fi

# shellcheck shell=bash
# Helpers shared by the environment/*.sh scripts. Source it; do not run it.

# The repository root (the parent of this file's folder), absolute.
NNZOO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NNZOO_ROOT

nnzoo_info() { printf '[nnzoo] %s\n' "$*" >&2; }
nnzoo_warn() { printf '[nnzoo] WARNING: %s\n' "$*" >&2; }
nnzoo_die() { printf '[nnzoo] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints the python interpreter that can import nbclient and jupyter_client.
# Order: $NNZOO_PYTHON, /usr/bin/python3 (Debian's jupyter), python3 on PATH.
nnzoo_python() {
    local candidate
    for candidate in "${NNZOO_PYTHON:-}" /usr/bin/python3 "$(command -v python3 || true)"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        if "$candidate" -c 'import nbclient, nbformat, jupyter_client, jupyter_core' >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# Prints the absolute path of a java (17 or newer): $JAVA_HOME/bin/java, else java on PATH.
nnzoo_java() {
    local java=""
    if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
        java="${JAVA_HOME}/bin/java"
    else
        java="$(command -v java || true)"
    fi
    [[ -n "$java" ]] || return 1
    # make it absolute without resolving the alternatives symlink (/usr/bin/java stays /usr/bin/java)
    case "$java" in
        /*) ;;
        *) java="$(cd "$(dirname "$java")" && pwd)/$(basename "$java")" ;;
    esac
    printf '%s\n' "$java"
}

# Prints the feature version of the given java (17, 21, ...).
nnzoo_java_version() {
    "$1" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | head -n 1
}

# Prints the path of a Chromium/Chrome for headless use: $NNZOO_CHROMIUM, else chromium,
# chromium-browser, google-chrome on PATH.
nnzoo_chromium() {
    local candidate
    for candidate in "${NNZOO_CHROMIUM:-}" chromium chromium-browser google-chrome; do
        [[ -n "$candidate" ]] || continue
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Prints the given path as an absolute path, resolved once against the caller's working directory
# (a leading "./" is dropped); the file need not exist. Path options go through it before they are
# written into settings files or handed to other programs, which may run in another directory.
nnzoo_abspath() { case "$1" in /*) printf '%s\n' "$1";; *) local p="${1#./}"; printf '%s\n' "$PWD/$p";; esac; }

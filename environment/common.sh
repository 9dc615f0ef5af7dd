# shellcheck shell=bash
# Helpers shared by the environment/*.sh scripts. Source it; do not run it.

# The repository root (the parent of this file's folder), absolute.
NNZOO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NNZOO_ROOT

# Prints PATH as an absolute path, read against the current folder. Scripts call it on every path
# they are given (options, NNZOO_DATA) before they cd anywhere: a relative path handed on as it is
# would be read by Maven's test JVM from lib/, by a kernel from notebooks/, by the hub from its state
# folder. An existing folder comes back without "." and ".." (cd + pwd); a path that does not exist
# yet (a download target) keeps its last part as given.
nnzoo_abspath() {
    local p="$1" dir
    [[ -n "$p" ]] || return 1
    if [[ -d "$p" ]]; then
        (CDPATH='' cd -- "$p" && pwd)
        return
    fi
    case "$p" in /*) ;; *) p="$PWD/$p" ;; esac
    dir="$(dirname -- "$p")"
    if [[ -d "$dir" ]]; then
        p="$(CDPATH='' cd -- "$dir" && pwd)/$(basename -- "$p")"
    fi
    printf '%s\n' "${p//\/\//\/}"
}

# Sets the array NNZOO_ARGS to the arguments after the first, with the value of each option named in
# the first argument (space-separated, e.g. "--out --data"; as "--out X" or "--out=X") made absolute,
# for scripts that change folder before they hand their arguments on.
#   nnzoo_abspath_options "--out" "$@"; set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
nnzoo_abspath_options() {
    local names=" $1 " arg
    shift
    NNZOO_ARGS=()
    while [[ $# -gt 0 ]]; do
        arg="$1"
        shift
        if [[ "$names" == *" $arg "* && $# -gt 0 ]]; then
            NNZOO_ARGS+=("$arg" "$(nnzoo_abspath "$1")")
            shift
        elif [[ "$arg" == --*=* && "$names" == *" ${arg%%=*} "* ]]; then
            NNZOO_ARGS+=("${arg%%=*}=$(nnzoo_abspath "${arg#*=}")")
        else
            NNZOO_ARGS+=("$arg")
        fi
    done
}

nnzoo_info() { printf '[nnzoo] %s\n' "$*" >&2; }
nnzoo_warn() { printf '[nnzoo] WARNING: %s\n' "$*" >&2; }
nnzoo_die() { printf '[nnzoo] ERROR: %s\n' "$*" >&2; exit 1; }
# A command that ends a `set -e` script says so (script, line, command, exit status) instead of the script
# stopping without a word; scripts without `set -e` are left alone.
nnzoo_on_error() {
    local rc=$?
    [[ $- == *e* ]] || return 0
    printf '[nnzoo] ERROR: %s stopped at line %s (exit status %s): %s\n' \
        "${BASH_SOURCE[1]:-$0}" "${BASH_LINENO[0]}" "$rc" "$BASH_COMMAND" >&2
}
trap nnzoo_on_error ERR

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

# NNZOO_DATA (the datasets folder) is resolved once, here, against the folder the user typed the
# command in (every script sources this file before it changes folder), and exported absolute, so
# that `NNZOO_DATA=../shared/datasets bash environment/test.sh` means the same in Maven's test JVM,
# in the kernels and in every script these scripts start.
if [[ -n "${NNZOO_DATA:-}" ]]; then
    NNZOO_DATA="$(nnzoo_abspath "$NNZOO_DATA")"
    export NNZOO_DATA
fi

# Installs playwright-core (pinned in SUITE/package.json and package-lock.json) once into SUITE/node_modules, with
# no browser download (the tests use the system's Chromium). Dies with the fix when npm cannot.
nnzoo_playwright_core() {
    local suite="$1" want have=""
    want="$(sed -n 's/.*"playwright-core": "\([^"]*\)".*/\1/p' "$suite/package.json")"
    if [[ -f "$suite/node_modules/playwright-core/package.json" ]]; then  # none yet on a fresh clone
        have="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$suite/node_modules/playwright-core/package.json" | head -n 1)"
    fi
    if [[ "$have" != "$want" ]]; then
        nnzoo_info "npm: installing playwright-core $want into $suite/node_modules (no browser download)"
        (cd "$suite" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error </dev/null) \
            || nnzoo_die "npm could not install playwright-core $want (no network? set npm's registry: npm config set registry URL)"
    fi
}

#!/usr/bin/env bash
# Executes notebooks headless through the nnzoo-java kernel of THIS checkout and writes
# OUT/results.json, OUT/report.md, OUT/report.html and the executed notebooks. Builds nothing:
# run `mvn -DskipTests -DskipNotebooks package` first (environment/run.sh does both).
#   bash environment/execute-notebooks.sh [--profile smoke|default|full] [--out DIR] [--timeout S] [notebook...]
# The kernelspec is installed into a private folder next to OUT (OUT.jupyter), never into your
# Jupyter, and found through JUPYTER_PATH. NNZOO_DATA, NNZOO_REPRODUCIBLE, NNZOO_KERNEL_HEAP and
# NNZOO_KERNEL_JAVA_OPTS (see install-kernel.sh) pass through from the caller.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo
    py="$(nnzoo_python)" && exec "$py" "$NNZOO_ROOT/environment/execute_notebooks.py" --help
    exit 0
fi

# only --out matters here (made absolute); everything else goes to the python as it is
nnzoo_abspath_options "--out" "$@"
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
out="$NNZOO_ROOT/target/notebooks"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --out) [[ $((i + 1)) -lt ${#args[@]} ]] || nnzoo_die "--out needs a folder"; out="${args[$((i + 1))]}" ;;
        --out=*) out="${args[$i]#--out=}" ;;
    esac
done
mkdir -p "$out" || nnzoo_die "cannot create the output folder $out (--out)"

py="$(nnzoo_python)" || nnzoo_die "no python that can import nbclient and jupyter_client: bash environment/install-deps.sh"
prefix="$out.jupyter"
bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet --prefix "$prefix" >/dev/null
export JUPYTER_PATH="$prefix/share/jupyter"
if [[ -z "${NNZOO_DATA:-}" ]]; then
    nnzoo_warn "NNZOO_DATA is not set: notebooks that read datasets will fail (e.g. export NNZOO_DATA=../shared/datasets)"
fi
exec "$py" "$NNZOO_ROOT/environment/execute_notebooks.py" --out "$out" "$@"

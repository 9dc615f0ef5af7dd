#!/usr/bin/env bash
# Start-up reliability check: starts the nnzoo-java kernel of this checkout N times (fresh JVM each),
# runs `1+1` in each, and fails if any start fails. Needs `mvn package` first.
#   bash environment/kernel-starts.sh [N=50] [--unpatched] [--timeout S] [--keep-logs]
# --unpatched installs the kernel WITHOUT the LoopThread fix, to measure the race the fix removes.
# The kernelspec goes to a private prefix (target/kernel-starts/), not to your Jupyter.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

count=50
install_args=()
py_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --unpatched) install_args+=(--unpatched) ;;
        --timeout|--cell-timeout) [[ $# -ge 2 ]] || nnzoo_die "$1 needs a value"; py_args+=("$1" "$2"); shift ;;
        --keep-logs) py_args+=("$1") ;;
        -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        [0-9]*) count="$1" ;;
        *) nnzoo_die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done

py="$(nnzoo_python)" || nnzoo_die "no python with nbclient/jupyter_client: bash environment/install-deps.sh"
work="$NNZOO_ROOT/target/kernel-starts"
rm -rf "$work/logs"
mkdir -p "$work"
bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet --prefix "$work/jupyter" \
    "${install_args[@]+"${install_args[@]}"}" >/dev/null
export JUPYTER_PATH="$work/jupyter/share/jupyter"
cd "$work"
nnzoo_info "starting the kernel $count times ($(grep -q '"patched_kernel": true' "$JUPYTER_PATH/kernels/nnzoo-java/kernel.json" && echo patched || echo UNPATCHED))"
exec "$py" "$NNZOO_ROOT/environment/kernel_starts.py" "$count" --log-dir "$work/logs" "${py_args[@]+"${py_args[@]}"}"

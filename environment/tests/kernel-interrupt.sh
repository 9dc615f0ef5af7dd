#!/usr/bin/env bash
# Interrupt through the real kernel (environment/tests/kernel_interrupt.py): a Fit training cell must get its
# execute_reply (status error, "interrupted at epoch E, batch B; ...") within 2 s of Interrupt, three times, and the
# next cell must run at once; a sleeping cell and a busy loop that ignores interrupts get replies too.
#   bash environment/tests/kernel-interrupt.sh [--unpatched] [--limit S]
# --unpatched: rapaio 3.0.1 without kernel-patch (expected to FAIL: no execute_reply). Needs `mvn package` first.
# The kernelspec goes to a private prefix (target/kernel-interrupt/), not to your Jupyter.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

install_args=(--java-opt -Dnnzoo.kernel.interruptWaitMillis=3000 --heap 2g)
py_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --unpatched) install_args+=(--unpatched) ;;
        --limit) [[ $# -ge 2 ]] || nnzoo_die "$1 needs a value"; py_args+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) nnzoo_die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done
if [[ -n "${NNZOO_DATA:-}" ]]; then
    install_args+=(--data-dir "$NNZOO_DATA")
fi

py="$(nnzoo_python)" || nnzoo_die "no python with jupyter_client: bash environment/install-deps.sh"
work="$NNZOO_ROOT/target/kernel-interrupt"
mkdir -p "$work"
bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet --prefix "$work/jupyter" "${install_args[@]}" >/dev/null
export JUPYTER_PATH="$work/jupyter/share/jupyter"
cd "$work"
exec "$py" "$NNZOO_ROOT/environment/tests/kernel_interrupt.py" --log "$work/kernel.log" ${NNZOO_INTERRUPT_RUNS:+--runs "$NNZOO_INTERRUPT_RUNS"} "${py_args[@]+"${py_args[@]}"}"

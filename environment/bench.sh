#!/usr/bin/env bash
# Side-by-side training benchmark (not part of the tests' timing; no test asserts a time): NN Zoo's Java training
# path (what the notebooks run; DJL 0.35.1 + PyTorch 2.7.1) against PyTorch in Python as a Python user installs it
# today: the pinned CPU wheel of environment/bench-requirements.txt (torch 2.13.0+cpu, oneMKL + oneDNN; Gymnasium
# 1.3.0 for CartPole) in a project-owned venv, .venv-bench/, that this script creates. Same data, model, batch size,
# optimiser, loss and thread count, each side in its own process, one after the other, alternating the order.
# Rows: MLP, LeNet-5, LSTM, GCN on Cora, and the loops students wait on longest: chapter 4's ResNet, chapter 12's
# diffusion U-Net, chapter 9's Transformer LM, chapter 15's pointer network, chapter 14's DQN on CartPole. Prints,
# for every thread count, samples (steps) per second of both sides, their ratio Java/Python by the wall clock and per
# CPU-second, and the peak RSS of each process; the machine; the load before and after.
#   NNZOO_DATA=../shared/datasets bash environment/bench.sh [--threads 1,2] [--rounds 2] [--models mlp,dqn]
#                                                            [--peers pip,debian] [--tiny] [--java-only] [--setup]
#                                                            [--log-dir DIR]
# --threads: PyTorch intra-op threads, one table per value (default 1,2; with --tiny 2).
# --peers: pip (default: the venv's PyTorch 2.x); debian adds Debian's python3-torch 1.13 (OpenBLAS) as a second
#   column (installed with apt-get if missing, root or sudo).
# --tiny: a few batches per model, one round, every row (about two minutes; proves it runs; test.sh runs this).
# --java-only: the Java side alone (installs nothing).
# --setup: only make the venv and the library, then exit.
# --log-dir DIR: keep each process's whole output (with ONEDNN_VERBOSE=1: environment/onednn_compare.py's input).
# Output: the tables on stdout and target/bench/bench.json. More in BENCHMARKS.md.
set -euo pipefail
# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$NNZOO_ROOT"

java_only=false setup_only=false peers=pip
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --java-only) java_only=true ;;
        --setup) setup_only=true ;;
        --peers) peers="${args[i + 1]:-}" ;;
        --peers=*) peers="${args[i]#--peers=}" ;;
        -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    esac
done
filtered=()
for a in "$@"; do [[ "$a" == --setup ]] || filtered+=("$a"); done

venv="$NNZOO_ROOT/.venv-bench"
if ! $java_only; then
    # shellcheck source=environment/venv.sh
    source "$NNZOO_ROOT/environment/venv.sh"
    req="$NNZOO_ROOT/environment/bench-requirements.txt"
    if ! nnzoo_venv_ensure "$venv" "$req" 'import torch, gymnasium, numpy' benchmark --check >/dev/null 2>&1; then
        nnzoo_pip_mirror_if_offline "${NNZOO_VENV_PYTHON:-python3}"
        # online without a mirror: the +cpu wheel comes from PyTorch's own index (PyPI has the CUDA build only)
        [[ -n "${PIP_INDEX_URL:-}" ]] \
            || export PIP_EXTRA_INDEX_URL="https://download.pytorch.org/whl/cpu${PIP_EXTRA_INDEX_URL:+ $PIP_EXTRA_INDEX_URL}"
    fi
    nnzoo_venv_ensure "$venv" "$NNZOO_ROOT/environment/bench-requirements.txt" 'import torch, gymnasium, numpy' \
        "benchmark (PyTorch $(sed -n 's/^torch==//p' environment/bench-requirements.txt))" \
        || nnzoo_die "no benchmark venv at $venv (see the warning above); bash environment/bench.sh --java-only runs the Java side alone"
    if [[ ",$peers," == *,debian,* ]] && { ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 \
            || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; }; then
        nnzoo_info "installing python3-torch and libopenblas0-pthread (Debian packages, the second peer)"
        sudo=""
        [[ "$(id -u)" == 0 ]] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
    fi
fi
if ! compgen -G "lib/target/nnzoo-lib-*.jar" >/dev/null || ! compgen -G "lib/target/dependency/*.jar" >/dev/null; then
    nnzoo_info "building the library (mvn package)"
    mvn -B -q -DskipTests -DskipNotebooks package
fi
if $setup_only; then
    nnzoo_info "benchmark ready: $("$venv/bin/python" -c 'import torch, gymnasium; print("torch", torch.__version__, "gymnasium", gymnasium.__version__)' 2>/dev/null || echo "Java side only")"
    exit 0
fi
export NNZOO_DATA="${NNZOO_DATA:-$(nnzoo_abspath "$NNZOO_ROOT/../shared/datasets")}"
# the Java side with the kernels PyTorch picks for this CPU, as the Python side runs (the reproducible mode, the
# notebooks' default, caps them at AVX2; environment/README.md, Reproducible mode, says what that costs)
export NNZOO_REPRODUCIBLE="${NNZOO_REPRODUCIBLE:-0}"
[[ -f "$NNZOO_DATA/mnist/train-images-idx3-ubyte.gz" ]] \
    || nnzoo_warn "no \$NNZOO_DATA/mnist (NNZOO_DATA=$NNZOO_DATA): the Java side downloads MNIST, Cora and abc"
out=target/bench
mkdir -p "$out"
# the exported copy of the data for the Python side, made once per library build
stamp="$(stat -c %Y lib/target/nnzoo-lib-*.jar | head -1)"
data="$out/data-$stamp"
[[ -f "$data/shapes.json" ]] || rm -rf "$out"/data-*
nnzoo_info "load before: $(uptime)"
runner="$venv/bin/python"
$java_only && runner="$(command -v python3)"
"$runner" environment/bench.py --root "$NNZOO_ROOT" --data "$data" --out "$out/bench.json" \
    --python "$venv/bin/python" "${filtered[@]}"
nnzoo_info "load after: $(uptime)"

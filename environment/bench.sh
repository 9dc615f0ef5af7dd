#!/usr/bin/env bash
# Side-by-side training benchmark (not part of the tests' timing; no test asserts a time): NN Zoo's Java
# training path (Fit over InMemoryDataset / FullGraph, what the notebooks run; DJL 0.35.1 + PyTorch 2.7.1)
# against PyTorch in Python (Debian's python3-torch 1.13 with OpenBLAS), same data, model, batch size,
# optimiser, loss and thread count, each side in its own process, one after the other. Models: MLP 784-256-10,
# LeNet-5, LSTM on sequential MNIST rows, GCN on Cora (full batch). Prints samples/s of both sides (wall clock
# and per CPU-second), the ratio Java/Python, the peak RSS of each process, the thread settings and the machine.
# Installs python3-torch and libopenblas0-pthread if missing (root or sudo), builds the library if needed.
#   NNZOO_DATA=../shared/datasets bash environment/bench.sh [--tiny] [--threads 2] [--rounds 2] [--models mlp,gcn]
# --tiny: a few batches per model, one round (well under a minute; proves the benchmark runs).
# --java-only: the Java side alone (nothing installed; what the tests run when python3-torch is absent).
# Output: the table on stdout and target/bench/bench.json.
set -euo pipefail
# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$NNZOO_ROOT"

py=/usr/bin/python3
java_only=false
for a in "$@"; do [[ "$a" == --java-only ]] && java_only=true; done
if ! $java_only && { ! "$py" -c 'import torch' >/dev/null 2>&1 || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; }; then
    nnzoo_info "installing python3-torch and libopenblas0-pthread (Debian packages)"
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
fi
if ! compgen -G "lib/target/nnzoo-lib-*.jar" >/dev/null || ! compgen -G "lib/target/dependency/*.jar" >/dev/null; then
    nnzoo_info "building the library (mvn package)"
    mvn -B -q -DskipTests -DskipNotebooks package
fi
export NNZOO_DATA="${NNZOO_DATA:-$(nnzoo_abspath "$NNZOO_ROOT/../shared/datasets")}"
# the Java side with the kernels PyTorch picks for this CPU, as the Python side runs (the reproducible mode, the
# notebooks' default, caps them at AVX2; environment/README.md, Reproducible mode, says what that costs)
export NNZOO_REPRODUCIBLE="${NNZOO_REPRODUCIBLE:-0}"
[[ -f "$NNZOO_DATA/mnist/train-images-idx3-ubyte.gz" ]] \
    || nnzoo_warn "no \$NNZOO_DATA/mnist (NNZOO_DATA=$NNZOO_DATA): the Java side downloads MNIST and Cora"
out=target/bench
mkdir -p "$out"
# the exported copy of the data for the Python side, made once per library build
stamp="$(stat -c %Y lib/target/nnzoo-lib-*.jar | head -1)"
data="$out/data-$stamp"
[[ -f "$data/shapes.json" ]] || rm -rf "$out"/data-*
nnzoo_info "load before: $(uptime)"
"$py" environment/bench.py --root "$NNZOO_ROOT" --data "$data" --out "$out/bench.json" "$@"
nnzoo_info "load after: $(uptime)"

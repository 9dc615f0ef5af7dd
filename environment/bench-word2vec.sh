#!/usr/bin/env bash
# Word2Vec benchmark (not part of the tests): NN Zoo's Java trainer vs gensim 4.2 on the NLTK abc corpus,
# same sentences and hyper-parameters (vector_size 100, window 5, min_count 5, negative 5, sample 1e-3,
# 5 epochs). Prints words/s of each and their ratio per worker count, the top-10 neighbour overlap, and
# checks the Java corpus reader's counts against NLTK's. Installs Debian's python3-gensim and python3-nltk
# if missing (needs root/sudo once). Run `mvn -B -DskipTests -DskipNotebooks package` first.
#   NNZOO_DATA=../shared/datasets bash environment/bench-word2vec.sh [--workers 1,2] [--arch sg|cbow] [--repeats 2]
# Output: target/bench-word2vec/summary-<arch>.json and the saved vectors.
set -euo pipefail
# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
nnzoo_abspath_options "--data --out" "$@"  # read from the folder the command is typed in
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
cd "$NNZOO_ROOT"

py=/usr/bin/python3
if ! "$py" -c 'import gensim, nltk' >/dev/null 2>&1; then
    nnzoo_info "installing python3-gensim and python3-nltk (Debian packages)"
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-gensim python3-nltk >/dev/null
fi
compgen -G "lib/target/nnzoo-lib-*.jar" >/dev/null && compgen -G "lib/target/dependency/*.jar" >/dev/null \
    || nnzoo_die "lib is not built: run mvn -B -DskipTests -DskipNotebooks package first"
export NNZOO_DATA="${NNZOO_DATA:-$(nnzoo_abspath "$NNZOO_ROOT/../shared/datasets")}"
[[ -f "$NNZOO_DATA/abc/abc.zip" && -d "$NNZOO_DATA/abc/abc" ]] \
    || nnzoo_die "need \$NNZOO_DATA/abc/abc.zip and the unpacked \$NNZOO_DATA/abc/abc/ (NNZOO_DATA=$NNZOO_DATA)"
nnzoo_info "load before: $(uptime)"
"$py" environment/bench_word2vec.py --data "$NNZOO_DATA" "$@"
nnzoo_info "load after: $(uptime)"

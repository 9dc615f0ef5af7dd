#!/usr/bin/env bash
# Builds the book from executed notebooks and tests it in headless Chromium (environment/tests/browser/book.mjs):
# every page loads with no console error and nothing fetched from outside the book, each chapter's images are
# decoded, its equations typeset, its Exercises section present. The book is served by a private HTTP server on
# 127.0.0.1. Screenshots of two chapters: OUT/shots/.
#   bash environment/tests/book-tests.sh --from DIR [--out DIR]
# DIR: an output folder of execute-notebooks.sh (the test command uses its smoke run, notebooks/target/executed).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

nnzoo_abspath_options "--from --out" "$@"
set -- "${NNZOO_ARGS[@]+"${NNZOO_ARGS[@]}"}"
from="" out="$NNZOO_ROOT/target/book-test"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --from) from="${2:?--from needs a folder}"; shift 2 ;;
        --out) out="${2:?--out needs a folder}"; shift 2 ;;
        *) nnzoo_die "unknown argument $1 (usage: book-tests.sh --from DIR [--out DIR])" ;;
    esac
done
[[ -n "$from" ]] || nnzoo_die "--from DIR is required: a folder of executed notebooks (e.g. notebooks/target/executed)"
suite="$NNZOO_ROOT/environment/tests/browser"
chromium="$(nnzoo_chromium)" || nnzoo_die "no Chromium: apt-get install chromium (or set NNZOO_CHROMIUM)"
command -v npm >/dev/null 2>&1 || nnzoo_die "no npm: apt-get install npm"
nnzoo_playwright_core "$suite"

started=$SECONDS
rm -rf "$out"
mkdir -p "$out"
bash "$NNZOO_ROOT/environment/build-book.sh" --from "$from" --out "$out/book" >"$out/build.log" 2>&1 \
    || { tail -n 20 "$out/build.log" >&2; nnzoo_die "the book did not build: $out/build.log"; }
nnzoo_info "book built from $from in $(( SECONDS - started )) s: $out/book/index.html"

port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
/usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out/book" >"$out/server.log" 2>&1 </dev/null &
server=$!
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/book.json" >/dev/null 2>&1 && break
    sleep 0.2
done
rc=0
NNZOO_CHROMIUM="$chromium" node "$suite/book.mjs" --url "http://127.0.0.1:$port" --out "$out/shots" || rc=$?
nnzoo_info "book tests: $(( SECONDS - started )) s; screenshots in $out/shots"
exit "$rc"

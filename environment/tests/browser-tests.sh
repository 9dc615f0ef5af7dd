#!/usr/bin/env bash
# Browser tests of the notebook front ends (environment/tests/browser/lab.mjs): JupyterLab 4 and Notebook 7 from
# .venv-jupyter (setup-jupyter.sh), driven by npm's playwright-core with the system's Chromium (no browser
# download), against a private Jupyter server on 127.0.0.1 with the NN Zoo kernel of this checkout, smoke
# profile, on copies of the notebooks (target/browser/work/; the checkout's notebooks are never touched).
# Screenshots and logs: target/browser/. Needs `mvn package` first.
#   bash environment/tests/browser-tests.sh
# NNZOO_INTERRUPT_LIMIT: most seconds from Interrupt to the training cell's end (default 2).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

out="$NNZOO_ROOT/target/browser"
suite="$NNZOO_ROOT/environment/tests/browser"
chromium="$(nnzoo_chromium)" || nnzoo_die "no Chromium: apt-get install chromium (or set NNZOO_CHROMIUM)"
command -v npm >/dev/null 2>&1 || nnzoo_die "no npm: apt-get install npm"
bash "$NNZOO_ROOT/environment/setup-jupyter.sh"
jupyter="$NNZOO_ROOT/.venv-jupyter/bin/jupyter"

nnzoo_playwright_core "$suite"

rm -rf "$out"
mkdir -p "$out/work" "$out/jupyter-config" "$out/jupyter-data" "$out/runtime"
cp "$NNZOO_ROOT"/notebooks/*.ipynb "$out/work/"
kernel_args=(--quiet --prefix "$out/jupyter" --heap 2g --java-opt -Dnnzoo.kernel.interruptWaitMillis=5000)
[[ -z "${NNZOO_DATA:-}" ]] || kernel_args+=(--data-dir "$NNZOO_DATA")
bash "$NNZOO_ROOT/environment/install-kernel.sh" "${kernel_args[@]}" >/dev/null

port="$("$NNZOO_ROOT/.venv-jupyter/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
server_args=(--no-browser --ip=127.0.0.1 "--port=$port" "--IdentityProvider.token=$token" "--ServerApp.root_dir=$out/work"
             --ServerApp.port_retries=0 --LabApp.news_url=none --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate)
[[ "$(id -u)" -ne 0 ]] || server_args+=(--allow-root)
# private Jupyter folders: no user settings, workspaces or kernels of the machine leak in; the kernel from the prefix
export JUPYTER_CONFIG_DIR="$out/jupyter-config" JUPYTER_DATA_DIR="$out/jupyter-data" JUPYTER_RUNTIME_DIR="$out/runtime"
export JUPYTER_PATH="$out/jupyter/share/jupyter" NNZOO_PROFILE=smoke
started=$SECONDS
"$jupyter" lab "${server_args[@]}" >"$out/server.log" 2>&1 </dev/null &
server=$!
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/api/status?token=$token" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || nnzoo_die "the Jupyter server exited at start: $out/server.log"
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/api/status?token=$token" >/dev/null || nnzoo_die "the Jupyter server did not answer in 60 s: $out/server.log"
nnzoo_info "JupyterLab $("$jupyter" lab --version) on 127.0.0.1:$port; browser: $chromium"
rc=0
NNZOO_CHROMIUM="$chromium" node "$suite/lab.mjs" --url "http://127.0.0.1:$port" --token "$token" --out "$out" --notebooks "$NNZOO_ROOT/notebooks" || rc=$?
nnzoo_info "browser tests: $(( SECONDS - started )) s; screenshots and logs in $out"
exit "$rc"

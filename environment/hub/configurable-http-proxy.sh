#!/usr/bin/env bash
# configurable-http-proxy (Debian's node-configurable-http-proxy) with Debian's Node.js module
# folders on NODE_PATH: a Node.js from elsewhere (e.g. NodeSource) does not search them and fails
# with "Cannot find module 'commander'". JupyterHub starts the proxy through this wrapper.
set -euo pipefail
for dir in /usr/share/nodejs /usr/lib/nodejs /usr/lib/x86_64-linux-gnu/nodejs /usr/lib/aarch64-linux-gnu/nodejs; do
    [[ -d "$dir" ]] && NODE_PATH="${NODE_PATH:+$NODE_PATH:}$dir"
done
export NODE_PATH="${NODE_PATH:-}"
command -v configurable-http-proxy >/dev/null 2>&1 \
    || { echo "[nnzoo] ERROR: configurable-http-proxy not found: sudo bash environment/install-deps.sh --hub" >&2; exit 1; }
exec configurable-http-proxy "$@"

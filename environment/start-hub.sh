#!/usr/bin/env bash
# Starts the NN Zoo JupyterHub set up by environment/install-hub.sh (runs in the foreground; Ctrl-C
# or SIGTERM stops the hub, its proxy and every student's server).
#   sudo bash environment/start-hub.sh [--state DIR] [-- extra jupyterhub options]
# --state: the folder install-hub.sh wrote (default /var/lib/nnzoo-hub); settings come from DIR/hub.env.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

state=/var/lib/nnzoo-hub
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --state) [[ $# -ge 2 ]] || nnzoo_die "--state needs a folder"; state="$2"; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) nnzoo_die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done
[[ -f "$state/hub.env" ]] \
    || nnzoo_die "no $state/hub.env: set the hub up first with sudo bash environment/install-hub.sh --state $state"
command -v jupyterhub >/dev/null 2>&1 \
    || nnzoo_die "jupyterhub is not installed: sudo bash environment/install-deps.sh --hub"
set -a
# shellcheck source=/dev/null
source "$state/hub.env"
set +a
[[ "$NNZOO_ROOT" == "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" ]] \
    || nnzoo_warn "$state/hub.env was written for the checkout $NNZOO_ROOT, not this one"
cd "$state"
nnzoo_info "JupyterHub on http://$NNZOO_HUB_IP:$NNZOO_HUB_PORT/ (auth $NNZOO_HUB_AUTH, spawner $NNZOO_HUB_SPAWNER, data $NNZOO_DATA)"
# the Debian package's own settings (/etc/jupyterhub) are not read: everything is in our config
exec jupyterhub -f "$NNZOO_ROOT/environment/hub/jupyterhub_config.py" --upgrade-db "${extra[@]+"${extra[@]}"}"

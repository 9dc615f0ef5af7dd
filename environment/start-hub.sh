#!/usr/bin/env bash
# Starts the NN Zoo JupyterHub set up by environment/install-hub.sh (runs in the foreground; Ctrl-C
# or SIGTERM stops the hub, its proxy and every student's server).
#   sudo bash environment/start-hub.sh [--state DIR] [-- extra jupyterhub options]
# --state: the folder install-hub.sh wrote (default /var/lib/nnzoo-hub); settings come from DIR/hub.env.
# With install-hub.sh --self-signed, the first start makes the certificate (STATE/tls); every start
# prints the SHA-256 fingerprint of the certificate the hub serves, for students to compare.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=environment/hub/datadir.sh
source "$(dirname "${BASH_SOURCE[0]}")/hub/datadir.sh"

state=/var/lib/nnzoo-hub
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --state) [[ $# -ge 2 && -n "$2" ]] || nnzoo_die "--state needs a folder"; state="$(nnzoo_abspath "$2")"; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
for arg in "${extra[@]+"${extra[@]}"}"; do
    case "$arg" in
        --ip*|--port*|--ssl*|--bind-url*|--JupyterHub.ip*|--JupyterHub.port*|--JupyterHub.ssl*|--JupyterHub.bind_url*)
            nnzoo_die "$arg: the address and TLS are set by install-hub.sh (re-run it with --ip/--port/--ssl-cert/--self-signed)" ;;
    esac
done

# ---- TLS ----------------------------------------------------------------------------------------
: "${NNZOO_HUB_TLS:=none}" "${NNZOO_HUB_SSL_CERT:=}" "${NNZOO_HUB_SSL_KEY:=}" "${NNZOO_HUB_INSECURE_HTTP:=0}"
if [[ "$NNZOO_HUB_TLS" == self-signed && ! ( -s "$NNZOO_HUB_SSL_CERT" && -s "$NNZOO_HUB_SSL_KEY" ) ]]; then
    command -v openssl >/dev/null 2>&1 || nnzoo_die "openssl is needed to make the hub's certificate: sudo apt-get install openssl"
    names=("$(hostname)" "$(hostname -f 2>/dev/null || hostname)" localhost)
    addresses=(127.0.0.1 ::1)
    case "$NNZOO_HUB_IP" in
        0.0.0.0|::|'*')  # every address of the machine: the ones students may type
            for a in $(hostname -I 2>/dev/null); do addresses+=("${a%%%*}"); done ;;
        127.0.0.1|::1) ;;
        *[!0-9.:]*) names+=("$NNZOO_HUB_IP") ;;
        *) addresses+=("$NNZOO_HUB_IP") ;;
    esac
    san=""
    for n in "${names[@]}"; do [[ ",$san," == *",DNS:$n,"* ]] || san+="${san:+,}DNS:$n"; done
    for a in "${addresses[@]}"; do [[ ",$san," == *",IP:$a,"* ]] || san+=",IP:$a"; done
    tls_dir="$(dirname "$NNZOO_HUB_SSL_CERT")"
    mkdir -p "$tls_dir" && chmod 700 "$tls_dir"
    nnzoo_info "making a self-signed certificate for ${san} (valid 825 days) in $tls_dir"
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
        -subj "/CN=${names[0]}/O=NN Zoo course hub" -addext "subjectAltName=$san" \
        -keyout "$NNZOO_HUB_SSL_KEY.tmp" -out "$NNZOO_HUB_SSL_CERT.tmp" 2>"$tls_dir/openssl.log") \
        || { cat "$tls_dir/openssl.log" >&2; nnzoo_die "openssl could not make the certificate"; }
    mv "$NNZOO_HUB_SSL_KEY.tmp" "$NNZOO_HUB_SSL_KEY"
    chmod 644 "$NNZOO_HUB_SSL_CERT.tmp"
    mv "$NNZOO_HUB_SSL_CERT.tmp" "$NNZOO_HUB_SSL_CERT"
    rm -f "$tls_dir/openssl.log"
fi
scheme=http
if [[ "$NNZOO_HUB_TLS" != none ]]; then
    scheme=https
    [[ -r "$NNZOO_HUB_SSL_CERT" && -r "$NNZOO_HUB_SSL_KEY" ]] \
        || nnzoo_die "the hub's certificate $NNZOO_HUB_SSL_CERT or key $NNZOO_HUB_SSL_KEY is missing or unreadable: re-run install-hub.sh"
    fingerprint="$(openssl x509 -in "$NNZOO_HUB_SSL_CERT" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//')" \
        || nnzoo_die "openssl cannot read the certificate $NNZOO_HUB_SSL_CERT"
    nnzoo_info "HTTPS certificate $NNZOO_HUB_SSL_CERT, SHA-256 fingerprint: $fingerprint"
    if [[ "$NNZOO_HUB_TLS" == self-signed ]]; then
        nnzoo_info "self-signed: browsers warn once; students proceed only if the fingerprint they see (padlock > certificate) is the one above"
    fi
else
    case "$NNZOO_HUB_IP" in
        127.*|::1|localhost) ;;
        *)  [[ "$NNZOO_HUB_INSECURE_HTTP" == 1 ]] \
                || nnzoo_die "$state/hub.env has the hub on $NNZOO_HUB_IP with plain HTTP (passwords in clear text) and without --insecure-http: re-run install-hub.sh with --ssl-cert/--ssl-key or --self-signed"
            nnzoo_warn "plain HTTP on $NNZOO_HUB_IP (--insecure-http): students' passwords cross the network in clear text" ;;
    esac
fi

# ---- the data folder: still read-only for students (a volume mounted after the install, ...) -------
if [[ -n "${NNZOO_DATA:-}" && -d "$NNZOO_DATA" && "$(id -u)" -eq 0 && "${NNZOO_HUB_SPAWNER:-local}" == local ]]; then
    if problem="$(nnzoo_data_problem "$NNZOO_DATA")"; then
        if nnzoo_read_only_fs "$NNZOO_DATA" && [[ "$problem" != "a folder above"* ]]; then
            :  # a read-only mount (e.g. docker run -v ...:ro): nobody can write it
        else
            nnzoo_die "the data folder $NNZOO_DATA has $problem: students could change the datasets. Re-run install-hub.sh (it makes the folder root-owned and read-only), or mount it read-only"
        fi
    fi
fi

cd "$state"
nnzoo_info "JupyterHub on $scheme://$NNZOO_HUB_IP:$NNZOO_HUB_PORT/ (auth $NNZOO_HUB_AUTH, spawner $NNZOO_HUB_SPAWNER, data $NNZOO_DATA)"
# the Debian package's own settings (/etc/jupyterhub) are not read: everything is in our config
exec jupyterhub -f "$NNZOO_ROOT/environment/hub/jupyterhub_config.py" --upgrade-db "${extra[@]+"${extra[@]}"}"

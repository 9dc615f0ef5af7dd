#!/usr/bin/env bash
# End-to-end test of the course deployment, for real (about 3 minutes; needs root and `mvn package`):
#  1. install-hub.sh sets up a hub in a temporary folder (kernel under a private prefix, datasets
#     from $NNZOO_DATA as the shared read-only folder, smoke profile, HTTPS with a self-signed
#     certificate, a 1g memory limit per student), add-students.sh creates two temporary Unix users,
#     start-hub.sh starts JupyterHub + proxy on 127.0.0.1 (free ports) and makes the certificate;
#  2. HTTPS: the fingerprint start-hub.sh prints is the one the hub serves (openssl s_client), curl
#     with --cacert gets the API, plain HTTP on the port gets nothing;
#  3. hub_e2e.py (over HTTPS, certificate verified): log in through the login form (Secure cookies),
#     token and server through the REST API, notebook copies and kernelspec checked, a Java kernel
#     session over REST + websocket trains an MLP for 30 steps on MNIST through the library, as the
#     student, reading the shared data (read-only);
#  4. hub_ui.py: headless Chromium (pinned to the hub's key) logs in, lands in JupyterLab 4 (install-hub.sh's
#     default front end; the classic Notebook UI if it fell back, with a warning), opens 01-perceptron,
#     runs all cells (two perceptrons trained) and finds the inline plots; screenshot in target/hub-e2e/;
#  5. hub_limits.py memory: the second student's kernel allocates past the memory limit and is
#     OOM-killed inside that student's cgroup; the hub, the first student's kernel and the second
#     student's server go on;
#  6. the hub restarted with short culling (install-hub.sh again: idle 15 s, busy 30 s, server 10 s):
#     hub_limits.py cull: an idle kernel with an open websocket is culled, a busy one only after the
#     busy bound, then the idle server stops by itself;
#  7. SIGTERM to the hub: hub, proxy, the students' servers and kernels must all be gone; then the
#     users, group, memory cgroups and temporary folder are removed (also when a step fails).
#   bash environment/tests/hub-e2e.sh [--keep]     (--keep: leave the temporary folder for debugging)
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

keep=false
[[ "${1:-}" == "--keep" ]] && keep=true
[[ "$(id -u)" -eq 0 ]] || nnzoo_die "hub e2e test: needs root (it creates a temporary Unix user and runs the hub as root, like a course server)"
[[ -n "${NNZOO_DATA:-}" && -f "$NNZOO_DATA/mnist/train-images-idx3-ubyte.gz" ]] \
    || nnzoo_die "hub e2e test: NNZOO_DATA must be a folder holding mnist/train-images-idx3-ubyte.gz (CI: ../shared/datasets)"
py=/usr/bin/python3
"$py" -c 'import requests, tornado.websocket' 2>/dev/null || nnzoo_die "hub e2e test: $py lacks requests/tornado (bash environment/install-deps.sh --hub)"
chromium="$(nnzoo_chromium)" || nnzoo_die "hub e2e test: no Chromium (bash environment/install-deps.sh --browser)"

out="$NNZOO_ROOT/target/hub-e2e"
rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d /tmp/nnzoo-hub-e2e.XXXXXX)"
chmod 755 "$work"  # the student's server reads the kernelspec below it
# the hub's data folder is seeded from NNZOO_DATA (27 MB), never NNZOO_DATA itself: install-hub.sh
# makes its data folder root-owned and read-only, which is not for a test to do to the caller's datasets
data_dir="$work/data"
user="nnzoo-e2e-$$"
user2="nnzoo-e2f-$$"
group="nnzoo-e2e-g$$"
hub_pid=""
started=$SECONDS

stop_hub() { # SIGTERM to the hub (it stops the proxy and the servers), SIGKILL after 30 s
    [[ -n "$hub_pid" ]] || return 0
    if kill -0 "$hub_pid" 2>/dev/null; then
        kill -TERM "$hub_pid" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$hub_pid" 2>/dev/null; then
            nnzoo_warn "the hub did not stop in 30 s after SIGTERM; killing its process group"
            kill -KILL -- "-$hub_pid" 2>/dev/null || true
        fi
    fi
    wait "$hub_pid" 2>/dev/null || true
    hub_pid=""
}
leftovers() { # processes still running as the test users, or the proxy of this test (by its pid file)
    pgrep -u "$user" 2>/dev/null || true
    pgrep -u "$user2" 2>/dev/null || true
    if [[ -f "$work/state/proxy.pid" ]]; then
        local p
        p="$(cat "$work/state/proxy.pid" 2>/dev/null || true)"
        [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null && echo "$p"
    fi
    return 0
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_hub
    local left
    left="$(leftovers | tr '\n' ' ')"
    if [[ -n "${left// /}" ]]; then
        nnzoo_warn "processes left after the hub stopped (killing them): $left"
        for p in $left; do ps -o pid=,user=,args= -p "$p" >&2 || true; kill -KILL "$p" 2>/dev/null || true; done
        rc=1
    fi
    cp "$work"/*.log "$out"/ 2>/dev/null || true
    for u in "$user" "$user2"; do
        if id "$u" >/dev/null 2>&1; then userdel -r "$u" >/dev/null 2>&1 || userdel "$u" || true; fi
    done
    /usr/bin/python3 "$NNZOO_ROOT/environment/hub/nnzoo_memlimit.py" remove "$user" "$user2" || rc=1
    getent group "$group" >/dev/null && { groupdel "$group" || true; }
    if $keep; then nnzoo_info "kept $work"; else rm -rf "$work"; fi
    if [[ $rc -eq 0 ]]; then
        nnzoo_info "hub e2e test passed in $(( SECONDS - started )) s (logs and screenshot: $out)"
    else
        nnzoo_warn "hub e2e test FAILED (exit $rc); hub log: $out/hub.log"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# three free ports on 127.0.0.1: the hub (proxy) at P, the proxy API at P+1, the hub API
read -r port api_port < <("$py" - <<'PY'
import socket
def free(p):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p)); return True
        except OSError:
            return False
for _ in range(200):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    if p < 65000 and free(p) and free(p + 1) and free(p + 2):
        print(p, p + 2); break
PY
)
[[ -n "${port:-}" ]] || nnzoo_die "no free ports on 127.0.0.1"

install=(bash "$NNZOO_ROOT/environment/install-hub.sh" --no-deps --no-build --state "$work/state"
    --kernel-prefix "$work/kernel" --data-dir "$data_dir" --seed-from "$NNZOO_DATA" --group "$group" --profile smoke
    --ip 127.0.0.1 --port "$port" --api-port "$api_port" --heap 2g --threads 2 --self-signed --mem-limit 1g)
nnzoo_info "hub e2e: set-up (install-hub.sh, add-students.sh) in $work"
"${install[@]}" 2>&1 | sed 's/^/  /'
passwords="$(bash "$NNZOO_ROOT/environment/hub/add-students.sh" --group "$group" --home-base "$work/home" "$user" "$user2")"
password="$(awk -F, -v u="$user" '$1 == u {print $2}' <<<"$passwords")"
password2="$(awk -F, -v u="$user2" '$1 == u {print $2}' <<<"$passwords")"
[[ -n "$password" && -n "$password2" ]] || nnzoo_die "add-students.sh gave no passwords for $user, $user2"
url="https://127.0.0.1:$port"
cert="$work/state/tls/hub-cert.pem"

start_hub() { # LOG: start-hub.sh in the background, then wait until the API answers over HTTPS
    setsid bash "$NNZOO_ROOT/environment/start-hub.sh" --state "$work/state" >"$1" 2>&1 &
    hub_pid=$!
    for _ in $(seq 120); do
        [[ -f "$cert" ]] && curl -fsS --cacert "$cert" -o /dev/null "$url/hub/api" 2>/dev/null && return 0
        kill -0 "$hub_pid" 2>/dev/null || { cat "$1" >&2; nnzoo_die "the hub exited at start (log above)"; }
        sleep 0.5
    done
    nnzoo_die "the hub did not answer on $url/hub/api in 60 s (log: $1)"
}

nnzoo_info "hub e2e: starting the hub on $url/"
start_hub "$work/hub.log"

nnzoo_info "hub e2e: HTTPS: printed fingerprint = served certificate, curl --cacert works, plain HTTP does not"
printed="$(sed -n 's/.*SHA-256 fingerprint: //p' "$work/hub.log" | tail -n 1)"
served="$(openssl s_client -connect "127.0.0.1:$port" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | sed 's/^.*=//')"
[[ -n "$printed" && "$printed" == "$served" ]] \
    || nnzoo_die "start-hub.sh printed the fingerprint '$printed', the hub serves '$served'"
api="$(curl -fsS --cacert "$cert" "$url/hub/api")" || nnzoo_die "curl --cacert $cert $url/hub/api failed"
code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/hub/api" 2>/dev/null || true)"
[[ "$code" != 200 ]] || nnzoo_die "the hub also answers plain HTTP on port $port"
printf '  ok  HTTPS, fingerprint %s; %s; plain HTTP: %s\n' "${served:0:23}..." "$api" "${code:-no answer}" | tee "$out/tls.txt"

nnzoo_info "hub e2e: student $user logs in, starts a server, trains on MNIST through the REST + websocket API"
timeout 300 "$py" "$NNZOO_ROOT/environment/tests/hub_e2e.py" --url "$url" --cacert "$cert" --user "$user" \
    --password "$password" --data-dir "$data_dir" | tee "$out/e2e.txt"

nnzoo_info "hub e2e: headless Chromium logs in, lands in JupyterLab and runs 01-perceptron"
frontend="$(sed -n "s/^NNZOO_HUB_FRONTEND='\(.*\)'$/\1/p" "$work/state/hub.env")"
[[ "$frontend" == lab ]] || nnzoo_warn "hub e2e: the hub serves the '${frontend:-?}' front end, not JupyterLab (install-hub.sh fell back; see above)"
timeout 400 "$py" "$NNZOO_ROOT/environment/tests/hub_ui.py" --url "$url" --cacert "$cert" --user "$user" \
    --password "$password" --notebook nnzoo-notebooks/01-perceptron.ipynb --chromium "$chromium" --ui "${frontend:-lab}" \
    --screenshot "$out/01-perceptron.png" --log "$work/chromium.log" | tee "$out/ui.txt"

if /usr/bin/python3 "$NNZOO_ROOT/environment/hub/nnzoo_memlimit.py" check >/dev/null 2>&1; then
    nnzoo_info "hub e2e: memory limit: $user2's kernel allocates past 1g and dies alone"
    timeout 300 "$py" "$NNZOO_ROOT/environment/tests/hub_limits.py" memory --url "$url" --cacert "$cert" \
        --user "$user" --password "$password" --user2 "$user2" --password2 "$password2" --limit 1g | tee "$out/memory.txt"
else
    nnzoo_warn "hub e2e: NOT TESTED: the per-student memory limit (no usable cgroups here: $(/usr/bin/python3 "$NNZOO_ROOT/environment/hub/nnzoo_memlimit.py" check 2>&1))"
fi

nnzoo_info "hub e2e: stopping the hub; nothing may be left running"
stop_hub
left="$(leftovers | tr '\n' ' ')"
[[ -z "${left// /}" ]] || nnzoo_die "still running after the hub stopped: $left"
grep -q "Cleaning up single-user servers" "$work/hub.log" \
    || nnzoo_warn "the hub log does not say it cleaned up the servers"

nnzoo_info "hub e2e: culling: re-install with --cull-idle 15s --cull-busy 30s --cull-server 10s, restart"
"${install[@]}" --cull-idle 15s --cull-busy 30s --cull-server 10s >"$work/install-cull.log" 2>&1 \
    || { cat "$work/install-cull.log" >&2; nnzoo_die "re-install with short culling failed"; }
start_hub "$work/hub-cull.log"
timeout 300 "$py" "$NNZOO_ROOT/environment/tests/hub_limits.py" cull --url "$url" --cacert "$cert" \
    --user "$user" --password "$password" --idle 15 --busy 30 --server 10 --hub-log "$work/hub-cull.log" | tee "$out/cull.txt"
stop_hub
left="$(leftovers | tr '\n' ' ')"
[[ -z "${left// /}" ]] || nnzoo_die "still running after the hub stopped: $left"

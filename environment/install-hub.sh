#!/usr/bin/env bash
# Sets up a JupyterHub course server for NN Zoo on this machine (run as root; idempotent):
#   system packages (install-deps.sh --hub), the build (mvn package, when the jars are missing),
#   the Java kernel for every user (install-kernel.sh --system, or --kernel-prefix DIR), the shared
#   read-only dataset folder (optionally seeded from another folder; root-owned and read-only for
#   students in every case), and the hub's state folder with its settings file hub.env and a systemd
#   unit. Start the hub with environment/start-hub.sh. Relative paths are taken from where you run it.
#   sudo bash environment/install-hub.sh --data-dir /srv/nnzoo/data --seed-from ../shared/datasets
# See environment/README.md, "Serving a course with JupyterHub".
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=environment/hub/datadir.sh
source "$(dirname "${BASH_SOURCE[0]}")/hub/datadir.sh"

usage() {
    cat <<'USAGE'
usage: sudo bash environment/install-hub.sh [options]

  --state DIR         the hub's state folder: hub.env, database, cookie secret (default /var/lib/nnzoo-hub)
  --data-dir DIR      shared dataset folder that every kernel reads (NNZOO_DATA); default /srv/nnzoo/data
  --seed-from SRC     copy the datasets in SRC (e.g. ../shared/datasets) into --data-dir first (missing
                      files only). Seeded or not, --data-dir is made root-owned and read-only for
                      students (chown -R root:root, chmod -R a+rX,go-w); refused if that is impossible
  --ip ADDR           where the hub listens (default 127.0.0.1). Any other address needs TLS
                      (--ssl-cert/--ssl-key or --self-signed), or --insecure-http
  --port N            the hub's public port (default 8000)
  --ssl-cert FILE     HTTPS with your certificate (PEM; full chain) and its private key (PEM, readable
  --ssl-key FILE      by root only): the hub serves https://ADDR:PORT/
  --self-signed       HTTPS with a self-signed certificate, made at the hub's first start in
                      STATE/tls (openssl); start-hub.sh prints its SHA-256 fingerprint for students
                      to compare with what their browser shows
  --insecure-http     allow plain HTTP on a non-loopback --ip (passwords cross the network in clear
                      text: a trusted network only; a warning is printed at every start)
  --api-port N        the hub's internal API port (default 8081); the proxy API uses --port + 1
  --group NAME        only members of this Unix group may log in (default nnzoo-students; created)
  --admin USER        a hub admin (repeatable), e.g. the instructor
  --heap SIZE         JVM heap of each student's kernel (default 2g)
  --mem-limit SIZE    memory bound of each student: their server and all their kernels together, one
                      cgroup per student (default: --heap + 1g; 0 = none). Past it the largest
                      process (a kernel) is killed, nothing else. Needs cgroups (v1 memory, or v2)
  --threads N         CPU threads of each kernel's PyTorch (default 2)
  --cull-idle T       shut down kernels idle for T, also with a browser tab open (default 60 minutes;
                      0 = never). T: minutes, or with a unit: 90s, 45m, 2h
  --cull-busy T       shut down kernels busy without a break for T (default 4h; 0 = never): a stuck
                      kernel; a cell that trains for a while is left alone until then
  --cull-server T     stop a student's server with no kernel and no terminal for T (default 2 x --cull-idle)
  --profile P         NNZOO_PROFILE of the students' kernels: smoke, default or full (default: default)
  --kernel-prefix DIR install the kernelspec under DIR/share/jupyter instead of system-wide
                      (tests use this so that they leave the machine's Jupyter untouched)
  --auth pam|dummy    pam (default): system users and passwords; dummy: any user name, one shared
                      password (--password), for a trial run only
  --spawner local|simple  local (default): each student's server runs as their Unix user;
                      simple: all servers run as the hub's user (trial runs without system users)
  --password PW       the shared password of --auth dummy
  --frontend lab|classic  lab (default): students land in JupyterLab 4 (the venv .venv-jupyter of
                      setup-jupyter.sh --hub, pip: PyPI or PIP_INDEX_URL; run by JupyterHub 3.0's single-user
                      server on jupyter_server 2); it falls back to classic, saying so, when that venv cannot be
                      made; classic: Debian's Notebook 6.4
  --no-deps           do not install system packages (only check them)
  --no-build          do not build; fail if the jars are missing
USAGE
}

state=/var/lib/nnzoo-hub
frontend=lab
data_dir=/srv/nnzoo/data
seed_from=""
ip=127.0.0.1
port=8000
api_port=8081
group=nnzoo-students
admins=()
heap=2g
mem_limit=""
threads=2
cull_idle=60
cull_busy=4h
cull_server=""
ssl_cert=""
ssl_key=""
self_signed=false
insecure_http=false
profile=default
kernel_prefix=""
auth=pam
spawner=local
password=""
deps=true
build=true

need_arg() { [[ $# -ge 2 && -n "$2" ]] || nnzoo_die "$1 needs a value (see --help)"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --state) need_arg "$@"; state="$(nnzoo_abspath "$2")"; shift ;;
        --data-dir) need_arg "$@"; data_dir="$(nnzoo_abspath "$2")"; shift ;;
        --seed-from) need_arg "$@"; seed_from="$(nnzoo_abspath "$2")"; shift ;;
        --ip) need_arg "$@"; ip="$2"; shift ;;
        --port) need_arg "$@"; port="$2"; shift ;;
        --ssl-cert) need_arg "$@"; ssl_cert="$(nnzoo_abspath "$2")"; shift ;;
        --ssl-key) need_arg "$@"; ssl_key="$(nnzoo_abspath "$2")"; shift ;;
        --self-signed) self_signed=true ;;
        --insecure-http) insecure_http=true ;;
        --api-port) need_arg "$@"; api_port="$2"; shift ;;
        --group) need_arg "$@"; group="$2"; shift ;;
        --admin) need_arg "$@"; admins+=("$2"); shift ;;
        --heap) need_arg "$@"; heap="$2"; shift ;;
        --mem-limit) need_arg "$@"; mem_limit="$2"; shift ;;
        --threads) need_arg "$@"; threads="$2"; shift ;;
        --cull-idle) need_arg "$@"; cull_idle="$2"; shift ;;
        --cull-busy) need_arg "$@"; cull_busy="$2"; shift ;;
        --cull-server) need_arg "$@"; cull_server="$2"; shift ;;
        --profile) need_arg "$@"; profile="$2"; shift ;;
        --kernel-prefix) need_arg "$@"; kernel_prefix="$(nnzoo_abspath "$2")"; shift ;;
        --auth) need_arg "$@"; auth="$2"; shift ;;
        --spawner) need_arg "$@"; spawner="$2"; shift ;;
        --password) need_arg "$@"; password="$2"; shift ;;
        --frontend) need_arg "$@"; frontend="$2"; shift ;;
        --no-deps) deps=false ;;
        --no-build) build=false ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; nnzoo_die "unknown option: $1" ;;
    esac
    shift
done

# ---- arguments ----------------------------------------------------------------------------------
for n in port api_port threads; do
    [[ "${!n}" =~ ^[0-9]+$ ]] || nnzoo_die "--${n//_/-} '${!n}': a whole number is needed"
done
(( port >= 1 && port <= 65534 && api_port >= 1 && api_port <= 65535 )) || nnzoo_die "--port/--api-port: use 1..65535"
# the proxy's own API listens on --port + 1, on 127.0.0.1
(( api_port != port && api_port != port + 1 )) \
    || nnzoo_die "--port $port and --api-port $api_port collide: the hub's API takes --api-port and the proxy's API --port + 1 ($((port + 1))); choose another --port (e.g. 8000) or --api-port"
(( threads >= 1 )) || nnzoo_die "--threads: at least 1"
[[ "$heap" =~ ^[0-9]+[mMgG]$ ]] || nnzoo_die "--heap '$heap': use a JVM size like 2g or 1536m"
mib() { # a JVM-style size (2g, 1536m) in MiB
    local n="${1%[mMgG]}"
    case "$1" in *[gG]) echo $(( n * 1024 )) ;; *) echo "$n" ;; esac
}
heap_mib="$(mib "$heap")"
if [[ -z "$mem_limit" ]]; then
    mem_limit="$(( heap_mib + 1024 ))m"
elif [[ "$mem_limit" == none ]]; then
    mem_limit=0
fi
[[ "$mem_limit" == 0 || "$mem_limit" =~ ^[0-9]+[mMgG]$ ]] || nnzoo_die "--mem-limit '$mem_limit': use a size like 3g or 2560m (0: none)"
if [[ "$mem_limit" != 0 ]] && (( $(mib "$mem_limit") < heap_mib + 256 )); then
    nnzoo_warn "--mem-limit $mem_limit is not above --heap $heap (+ 256m for the server and native memory): a kernel that fills its heap is killed by the memory limit before Java reports OutOfMemoryError"
fi
seconds_of() { # --option value: minutes (a bare number) or 90s / 45m / 2h; prints seconds
    local v="$2"
    case "$v" in
        *[0-9]s) v="${v%s}"; [[ "$v" =~ ^[0-9]+$ ]] && { echo "$v"; return; } ;;
        *[0-9]m) v="${v%m}"; [[ "$v" =~ ^[0-9]+$ ]] && { echo $(( v * 60 )); return; } ;;
        *[0-9]h) v="${v%h}"; [[ "$v" =~ ^[0-9]+$ ]] && { echo $(( v * 3600 )); return; } ;;
        *) [[ "$v" =~ ^[0-9]+$ ]] && { echo $(( v * 60 )); return; } ;;
    esac
    nnzoo_die "$1 '$2': use minutes (60) or a number with a unit: 90s, 45m, 2h (0 = never)"
}
cull_idle_s="$(seconds_of --cull-idle "$cull_idle")"
cull_busy_s="$(seconds_of --cull-busy "$cull_busy")"
if [[ -n "$cull_server" ]]; then
    cull_server_s="$(seconds_of --cull-server "$cull_server")"
else
    cull_server_s=$(( 2 * cull_idle_s ))
fi
if (( cull_busy_s > 0 && cull_idle_s > 0 && cull_busy_s <= cull_idle_s )); then
    nnzoo_warn "--cull-busy ($cull_busy_s s) is not longer than --cull-idle ($cull_idle_s s): a long training cell is killed as soon as an idle kernel would be"
fi

# TLS: never the login form in plain HTTP on a non-loopback address unless the instructor says so
if [[ -n "$ssl_cert" || -n "$ssl_key" ]]; then
    [[ -n "$ssl_cert" && -n "$ssl_key" ]] || nnzoo_die "--ssl-cert and --ssl-key go together (the certificate and its private key)"
    ! $self_signed || nnzoo_die "--self-signed or --ssl-cert/--ssl-key, not both"
fi
tls=none
if $self_signed; then
    tls=self-signed
elif [[ -n "$ssl_cert" ]]; then
    tls=cert
fi
case "$ip" in
    127.*|::1|localhost) loopback=true ;;
    *) loopback=false ;;
esac
if [[ "$tls" == none ]] && ! $loopback; then
    $insecure_http || nnzoo_die "--ip $ip without TLS would send students' passwords over the network in clear text (plain HTTP). Use --ssl-cert FILE --ssl-key FILE (your certificate), or --self-signed (made at the first start; its fingerprint is printed), or keep --ip 127.0.0.1 behind an HTTPS reverse proxy; --insecure-http only on a network you trust"
    nnzoo_warn "--insecure-http: the hub serves its login form over plain HTTP on $ip; passwords cross the network in clear text"
elif $insecure_http; then
    nnzoo_info "--insecure-http has no effect here (TLS is on, or the hub listens on loopback only)"
    insecure_http=false
fi
case "$profile" in smoke|default|full) ;; *) nnzoo_die "--profile '$profile': use smoke, default or full" ;; esac
case "$auth" in pam|dummy) ;; *) nnzoo_die "--auth '$auth': use pam or dummy" ;; esac
case "$spawner" in local|simple) ;; *) nnzoo_die "--spawner '$spawner': use local or simple" ;; esac
[[ "$group" =~ ^[a-z_][a-z0-9_-]*$ ]] || nnzoo_die "--group '$group': not a valid Unix group name"
if [[ "$auth" == dummy && -z "$password" ]]; then
    nnzoo_die "--auth dummy needs --password PW (the one password every user types)"
fi
if [[ "$spawner" == local && "$(id -u)" -ne 0 ]]; then
    nnzoo_die "--spawner local starts each student's server as their own Unix user, so the hub runs as root: sudo bash environment/install-hub.sh ... (or --spawner simple --auth dummy for a trial as yourself)"
fi

if [[ "$tls" == cert ]]; then
    command -v openssl >/dev/null 2>&1 || nnzoo_die "openssl is needed to check the certificate: sudo apt-get install openssl"
    [[ -f "$ssl_cert" && -r "$ssl_cert" ]] || nnzoo_die "--ssl-cert $ssl_cert: not a readable file"
    [[ -f "$ssl_key" && -r "$ssl_key" ]] || nnzoo_die "--ssl-key $ssl_key: not a readable file"
    cert_pub="$(openssl x509 -in "$ssl_cert" -noout -pubkey 2>/dev/null)" \
        || nnzoo_die "--ssl-cert $ssl_cert: not a PEM certificate (openssl x509 cannot read it)"
    key_pub="$(openssl pkey -in "$ssl_key" -pubout 2>/dev/null)" \
        || nnzoo_die "--ssl-key $ssl_key: not a PEM private key without passphrase (openssl pkey cannot read it)"
    [[ "$cert_pub" == "$key_pub" ]] || nnzoo_die "--ssl-key $ssl_key is not the key of the certificate $ssl_cert"
    if command -v setpriv >/dev/null 2>&1 \
        && setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$ssl_key" 2>/dev/null; then
        nnzoo_die "--ssl-key $ssl_key is readable by other users (students could impersonate the hub): chmod 600 it (owner root)"
    fi
    openssl x509 -in "$ssl_cert" -noout -checkend 0 >/dev/null 2>&1 \
        || nnzoo_warn "the certificate $ssl_cert has expired: browsers will refuse it"
fi

# ---- 1. system packages -------------------------------------------------------------------------
if $deps; then
    bash "$NNZOO_ROOT/environment/install-deps.sh" --hub
fi
{ command -v jupyterhub && command -v jupyterhub-singleuser; } >/dev/null 2>&1 \
    || nnzoo_die "jupyterhub is not installed (not on PATH): sudo bash environment/install-deps.sh --hub (Debian package jupyterhub)"
command -v jupyter-notebook >/dev/null 2>&1 \
    || nnzoo_die "jupyter-notebook is not installed (not on PATH): sudo bash environment/install-deps.sh (Debian package jupyter-notebook)"
bash "$NNZOO_ROOT/environment/hub/configurable-http-proxy.sh" --version >/dev/null 2>&1 \
    || nnzoo_die "configurable-http-proxy does not run: sudo bash environment/install-deps.sh --hub (Debian package node-configurable-http-proxy)"
java="$(nnzoo_java)" || nnzoo_die "no java found: install a JDK 17+ (sudo bash environment/install-deps.sh) or set JAVA_HOME"
java_version="$(nnzoo_java_version "$java")"
[[ -n "$java_version" && "${java_version%%.*}" -ge 17 ]] \
    || nnzoo_die "$java is Java '${java_version:-?}'; the kernel needs 17 or newer: sudo bash environment/install-deps.sh, or set JAVA_HOME to a JDK 17+"

case "$frontend" in
    lab)
        if ! bash "$NNZOO_ROOT/environment/setup-jupyter.sh" --hub; then
            nnzoo_warn "FALLBACK: students get Debian's classic Notebook $(jupyter-notebook --version 2>/dev/null), not JupyterLab (see above)"
            frontend=classic
        fi ;;
    classic) nnzoo_info "front end: Debian's classic Notebook $(jupyter-notebook --version 2>/dev/null) (--frontend classic)" ;;
    *) nnzoo_die "--frontend '$frontend': use lab or classic" ;;
esac

# ---- 2. build -----------------------------------------------------------------------------------
if ! compgen -G "$NNZOO_ROOT/lib/target/nnzoo-lib-*.jar" >/dev/null \
    || ! compgen -G "$NNZOO_ROOT/kernel-patch/target/kernel/*.jar" >/dev/null; then
    $build || nnzoo_die "the library is not built and --no-build was given: (cd '$NNZOO_ROOT' && mvn -B -DskipTests -DskipNotebooks package)"
    nnzoo_info "building the library (mvn package, tests skipped)"
    (cd "$NNZOO_ROOT" && mvn -B -ntp -q -Dstyle.color=never -DskipTests -DskipNotebooks package </dev/null)
fi

# ---- 3. the shared, read-only dataset folder ----------------------------------------------------
if [[ -n "$seed_from" ]]; then
    [[ -d "$seed_from" ]] || nnzoo_die "--seed-from $seed_from is not a folder"
    mkdir -p "$data_dir" 2>/dev/null || nnzoo_die "cannot create the data folder $data_dir: run as root, or choose another --data-dir"
    [[ -w "$data_dir" ]] \
        || nnzoo_die "the data folder $data_dir is not writable by $(id -un), so it cannot be seeded: run as root (sudo), or choose a writable --data-dir"
    nnzoo_info "seeding $data_dir from $seed_from (missing files only)"
    # missing files only: a re-run never rewrites a file that a kernel may be reading. Times are kept,
    # owners are not (the copies become root's below, whoever owns the source).
    seed_from="$(cd "$seed_from" && pwd)"
    while IFS= read -r -d '' f; do
        rel="${f#"$seed_from"/}"
        [[ -e "$data_dir/$rel" ]] && continue
        if ! { mkdir -p "$(dirname "$data_dir/$rel")" && cp --preserve=timestamps "$f" "$data_dir/$rel.part" \
                && mv "$data_dir/$rel.part" "$data_dir/$rel"; }; then
            nnzoo_die "copying $f into $data_dir failed (disk full? permissions?)"
        fi
    done < <(find "$seed_from" -type f -print0)
fi
[[ -d "$data_dir" ]] \
    || nnzoo_die "the data folder $data_dir does not exist: seed it with --seed-from DIR (a folder holding mnist/...), or point --data-dir at an existing one"
data_dir="$(cd "$data_dir" && pwd)"
# root-owned, readable by all, writable by nobody else: seeded or not
if [[ "$(id -u)" -eq 0 ]]; then
    if problem="$(nnzoo_data_problem "$data_dir")"; then
        if chown -R root:root "$data_dir" 2>/dev/null && chmod -R a+rX,go-w "$data_dir" 2>/dev/null; then
            nnzoo_info "made $data_dir root-owned and read-only for students (chown -R root:root, chmod -R a+rX,go-w); before, it had $problem"
        fi
        if problem="$(nnzoo_data_problem "$data_dir")"; then
            if nnzoo_read_only_fs "$data_dir" && [[ "$problem" != "a folder above"* ]]; then
                nnzoo_info "$data_dir is on a read-only file system: students cannot change it (although it has $problem)"
            else
                nnzoo_die "the data folder $data_dir must be read-only for students, but (and this cannot be fixed here) it has $problem: chown -R root:root and chmod -R a+rX,go-w it (and go-w the folders above it), or choose another --data-dir"
            fi
        fi
    fi
elif [[ -n "$seed_from" ]]; then
    chmod -R a+rX,go-w "$data_dir" || nnzoo_die "cannot set permissions on $data_dir"
fi
# students' kernels read the data from here and cannot write to it (they download nothing): every chapter's data set
missing=()
for f in mnist/train-images-idx3-ubyte mnist/t10k-images-idx3-ubyte abc/abc.zip cora/planetoid/ind.cora.graph; do
    # the loaders also accept name.gz, and Cora's files in cora/ itself
    [[ -e "$data_dir/$f" || -e "$data_dir/$f.gz" || -e "$data_dir/${f/planetoid\//}" ]] || missing+=("$f")
done
if (( ${#missing[@]} )); then
    nnzoo_warn "$data_dir lacks ${missing[*]}: the chapters that read them will fail for every student (MNIST: 01-04, 07, 10-12, 16; abc: 05-09; Cora: 13; 04's full profile also reads fashion-mnist/), since students cannot download into it; seed it with --seed-from DIR, a folder laid out as ../shared/datasets (mnist/, abc/, cora/), e.g. the ~/.cache/nnzoo that a run.sh without NNZOO_DATA fills"
fi

# ---- 4. the kernel, for every user --------------------------------------------------------------
# PyTorch's natives (432 MB) are unpacked once, now, into a shared cache that every kernel reads
djl_cache=/var/cache/nnzoo/djl
kernel_args=(--heap "$heap" --data-dir "$data_dir" --djl-cache "$djl_cache" --unpack-natives
             --java-opt "-Dai.djl.pytorch.num_threads=$threads" --java-opt "-Dai.djl.pytorch.num_interop_threads=1")
if [[ -n "$kernel_prefix" ]]; then
    kernel_args+=(--prefix "$kernel_prefix")
else
    kernel_args+=(--system)
fi
mkdir -p "$djl_cache" 2>/dev/null || nnzoo_die "cannot create the shared DJL cache $djl_cache: run as root"
kernel_dir="$(bash "$NNZOO_ROOT/environment/install-kernel.sh" --quiet "${kernel_args[@]}")"
jupyter_path=""
if [[ -n "$kernel_prefix" ]]; then
    jupyter_path="$kernel_prefix/share/jupyter"
    # students' servers read the kernelspec: every folder above it must be searchable
    chmod -R a+rX "$kernel_prefix"
fi

if [[ "$spawner" == local ]] && command -v setpriv >/dev/null 2>&1; then
    # students' servers run as their own users: they must be able to read the checkout and the data
    as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    for f in "$NNZOO_ROOT/environment/hub/singleuser.sh" "$NNZOO_ROOT/environment/hub/nnzoo_busy_culler.py" \
             "$kernel_dir/kernel.json" "$data_dir"; do
        "${as_nobody[@]}" test -r "$f" \
            || nnzoo_die "$f is not readable by other users, but every student's server needs it: chmod o+rX on it and on each folder above it (or install the checkout under /opt)"
    done
    "${as_nobody[@]}" test -x "$NNZOO_ROOT/environment/hub/singleuser.sh" \
        || nnzoo_die "$NNZOO_ROOT/environment/hub/singleuser.sh is not executable by other users: chmod a+rx it"
    if [[ "$frontend" == lab ]]; then
        "${as_nobody[@]}" "$NNZOO_ROOT/.venv-jupyter/bin/python" -c 'import jupyterlab, jupyterhub.singleuser' >/dev/null 2>&1 \
            || nnzoo_die "other users cannot run JupyterLab from $NNZOO_ROOT/.venv-jupyter (its python, $(readlink -f "$NNZOO_ROOT/.venv-jupyter/bin/python"), must be executable by all, e.g. /usr/bin/python3): rm -rf $NNZOO_ROOT/.venv-jupyter and re-run with NNZOO_VENV_PYTHON=/usr/bin/python3"
    fi
    # shellcheck disable=SC2016  # $1 is expanded by the inner bash
    "${as_nobody[@]}" bash -c 'for j in "$1"/lib/target/nnzoo-lib-*.jar; do test -r "$j" || exit 1; done' _ "$NNZOO_ROOT" \
        || nnzoo_die "the library jars in $NNZOO_ROOT/lib/target are not readable by other users: chmod -R a+rX $NNZOO_ROOT/lib/target"
fi

# ---- 5. state folder, settings, systemd unit ----------------------------------------------------
mkdir -p "$state" 2>/dev/null || nnzoo_die "cannot create the hub state folder $state: run as root, or choose another --state"
[[ -w "$state" ]] || nnzoo_die "the hub state folder $state is not writable by $(id -un): run as root, or choose another --state"
chmod 700 "$state"  # holds the cookie secret, the user database and the TLS key
if [[ "$tls" == self-signed ]]; then
    ssl_cert="$state/tls/hub-cert.pem"
    ssl_key="$state/tls/hub-key.pem"
fi
if [[ "$mem_limit" != 0 ]]; then
    if ! mem_check="$(/usr/bin/python3 "$NNZOO_ROOT/environment/hub/nnzoo_memlimit.py" check 2>&1)"; then
        nnzoo_warn "--mem-limit $mem_limit would NOT be enforced for a hub started as this script was: ${mem_check#unavailable: }. Without it each kernel is bounded only by its heap (--heap) and the culling"
        mem_check="NOT enforced for a hub started as this script was$([[ "$mem_check" == *"systemd unit"* ]] && echo "; start it through its systemd unit")"
    fi
fi

if [[ "$spawner" == local ]]; then
    getent group "$group" >/dev/null || groupadd "$group" || nnzoo_die "cannot create the group $group"
fi

q() { # one KEY='value' line; single quotes are fine for both bash and systemd's EnvironmentFile
    [[ "$2" != *"'"* ]] || nnzoo_die "$1: single quotes are not supported in '$2'"
    printf "%s='%s'\n" "$1" "$2"
}
admin_list="$(IFS=,; echo "${admins[*]+"${admins[*]}"}")"
{
    echo "# NN Zoo JupyterHub settings, written by environment/install-hub.sh; re-run it to change them."
    q NNZOO_ROOT "$NNZOO_ROOT"
    q NNZOO_HUB_STATE "$state"
    q NNZOO_HUB_IP "$ip"
    q NNZOO_HUB_PORT "$port"
    q NNZOO_HUB_TLS "$tls"
    q NNZOO_HUB_SSL_CERT "$ssl_cert"
    q NNZOO_HUB_SSL_KEY "$ssl_key"
    q NNZOO_HUB_INSECURE_HTTP "$($insecure_http && echo 1 || echo 0)"
    q NNZOO_HUB_API_PORT "$api_port"
    q NNZOO_HUB_AUTH "$auth"
    q NNZOO_HUB_SPAWNER "$spawner"
    q NNZOO_HUB_GROUP "$group"
    q NNZOO_HUB_ADMINS "$admin_list"
    q NNZOO_HUB_CULL_IDLE_SECONDS "$cull_idle_s"
    q NNZOO_HUB_CULL_BUSY_SECONDS "$cull_busy_s"
    q NNZOO_HUB_CULL_SERVER_SECONDS "$cull_server_s"
    q NNZOO_HUB_THREADS "$threads"
    q NNZOO_HUB_HEAP "$heap"
    q NNZOO_HUB_MEM_LIMIT "$mem_limit"
    q NNZOO_HUB_PROFILE "$profile"
    q NNZOO_HUB_JUPYTER_PATH "$jupyter_path"
    q NNZOO_HUB_NOTEBOOKS "$NNZOO_ROOT/notebooks"
    q NNZOO_HUB_FRONTEND "$frontend"
    q NNZOO_DATA "$data_dir"
} > "$state/hub.env.tmp"
if [[ "$auth" == dummy ]]; then
    q NNZOO_HUB_PASSWORD "$password" >> "$state/hub.env.tmp"
fi
mv "$state/hub.env.tmp" "$state/hub.env"
chmod 600 "$state/hub.env"

cat > "$state/nnzoo-hub.service" <<UNIT
# systemd unit for the NN Zoo hub. Install: cp $state/nnzoo-hub.service /etc/systemd/system/
#   && systemctl daemon-reload && systemctl enable --now nnzoo-hub
[Unit]
Description=NN Zoo JupyterHub
After=network.target

[Service]
User=root
ExecStart=/bin/bash $NNZOO_ROOT/environment/start-hub.sh --state $state
Restart=on-failure
KillMode=mixed
# the hub puts each student's server into a memory cgroup below its own (cgroup v2)
Delegate=yes

[Install]
WantedBy=multi-user.target
UNIT

scheme=http
[[ "$tls" == none ]] || scheme=https
nnzoo_info "hub ready: kernel $kernel_dir (-Xmx$heap, $threads threads), data $data_dir (root-owned, read-only for students), state $state"
nnzoo_info "per student: memory limit $([[ "$mem_limit" == 0 ]] && echo none || echo "$mem_limit (${mem_check:-})"); kernels culled when idle ${cull_idle_s} s or busy ${cull_busy_s} s, servers when idle ${cull_server_s} s (0 = never)"
nnzoo_info "add students:  sudo bash environment/hub/add-students.sh --group $group alice bob ...   (prints initial passwords)"
nnzoo_info "start the hub: sudo bash environment/start-hub.sh --state $state   -> $scheme://$ip:$port/$([[ "$tls" == self-signed ]] && echo '   (self-signed certificate: made at the first start, which prints its fingerprint)')"

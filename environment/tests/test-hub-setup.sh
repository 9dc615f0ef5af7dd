#!/usr/bin/env bash
# Bad set-ups of the course server get clear errors, and a re-install is idempotent (about 25 s;
# needs root and `mvn package`). Everything goes to a temporary folder, removed at the end.
#  - no Java 17 (a fake Java 11 in JAVA_HOME), no JupyterHub / no Jupyter Notebook on PATH;
#  - a data folder that cannot be seeded (not writable by the installing user), one that is missing,
#    one below a folder that everybody may write;
#  - plain HTTP on a non-loopback address (install-hub.sh and start-hub.sh refuse it without
#    --insecure-http), a certificate without key, a key readable by students, a key of another
#    certificate, bad culling and memory options;
#  - install-hub.sh twice: same kernelspec and settings, exit 0; seeding copies only missing files,
#    and the data folder (seeded from files a student owns, or an existing student-writable folder)
#    ends up root-owned: a student (uid nobody) can neither write, create, delete, rename nor chmod in it;
#  - relative path options (--state, --data-dir, --seed-from, --kernel-prefix, --ssl-cert/--ssl-key)
#    are written into hub.env and kernel.json as absolute paths;
#  - the memory-cgroup code on a fake cgroup v2 tree (the real cgroup is tested by hub-e2e.sh);
#  - environment/Dockerfile and binder/postBuild call only the tested scripts, with options they have.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

[[ "$(id -u)" -eq 0 ]] || nnzoo_die "hub set-up test: needs root (it runs parts as the user nobody)"
[[ -n "${NNZOO_DATA:-}" && -d "$NNZOO_DATA/mnist" ]] || nnzoo_die "hub set-up test: NNZOO_DATA must hold mnist/"
work="$(mktemp -d /tmp/nnzoo-hub-setup.XXXXXX)"
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
hub="$NNZOO_ROOT/environment/install-hub.sh"
# a trial set-up (dummy login, servers as the hub's user) in the temporary folder
base=(--no-deps --no-build --auth dummy --password pw --spawner simple --kernel-prefix "$work/kernel")
passed=0

# expect_fail NAME PATTERN COMMAND...: the command must exit non-zero and print PATTERN (grep -E)
expect_fail() {
    local name="$1" pattern="$2" rc=0
    shift 2
    "$@" >"$work/out.txt" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then
        cat "$work/out.txt" >&2
        nnzoo_die "hub set-up test '$name': should have failed, exited 0"
    fi
    if ! grep -Eq -- "$pattern" "$work/out.txt"; then
        cat "$work/out.txt" >&2
        nnzoo_die "hub set-up test '$name': exit $rc, but the message does not match /$pattern/"
    fi
    printf '  ok  %-28s %s\n' "$name" "$(grep -E -- "$pattern" "$work/out.txt" | head -n 1 | cut -c1-150)"
    passed=$((passed + 1))
}

# ---- no Java 17 ---------------------------------------------------------------------------------
mkdir -p "$work/jdk11/bin"
cat > "$work/jdk11/bin/java" <<'EOF'
#!/bin/sh
echo '    java.specification.version = 11' >&2
echo 'openjdk version "11.0.2"' >&2
EOF
chmod +x "$work/jdk11/bin/java"
expect_fail "no Java 17 (hub)" "Java '11'.*17 or newer" \
    env JAVA_HOME="$work/jdk11" bash "$hub" "${base[@]}" --state "$work/s1" --data-dir "$NNZOO_DATA"
expect_fail "no Java 17 (kernel)" "Java '11'.*17 or newer" \
    env JAVA_HOME="$work/jdk11" bash "$NNZOO_ROOT/environment/install-kernel.sh" --prefix "$work/k11"

# ---- no Jupyter: PATH without jupyterhub, then without jupyter-notebook ---------------------------
path_without() { # a bin folder with every command of PATH except the given ones; prints it
    local dir="$work/bin-$1" d f
    mkdir -p "$dir"
    IFS=: read -r -a dirs <<<"$PATH"
    for d in "${dirs[@]}"; do
        [[ -d "$d" ]] || continue
        for f in "$d"/*; do
            local n="${f##*/}"
            [[ -x "$f" && ! -e "$dir/$n" ]] || continue
            case " $* " in *" $n "*) continue ;; esac
            ln -s "$f" "$dir/$n"
        done
    done
    printf '%s\n' "$dir"
}
expect_fail "no JupyterHub" "jupyterhub is not installed.*install-deps.sh --hub" \
    env PATH="$(path_without jupyterhub jupyterhub-singleuser)" bash "$hub" "${base[@]}" --state "$work/s2" --data-dir "$NNZOO_DATA"
expect_fail "no Jupyter Notebook" "jupyter-notebook is not installed.*install-deps.sh" \
    env PATH="$(path_without jupyter-notebook)" bash "$hub" "${base[@]}" --state "$work/s3" --data-dir "$NNZOO_DATA"

# ---- data folder ----------------------------------------------------------------------------------
mkdir -p "$work/readonly-data"  # root's, 755: the user nobody cannot write it
expect_fail "data dir not writable" "data folder $work/readonly-data is not writable by nobody.*sudo" \
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work" bash "$hub" "${base[@]}" \
    --state "$work/s4" --data-dir "$work/readonly-data" --seed-from "$NNZOO_DATA/mnist"
expect_fail "data dir missing" "data folder $work/nowhere does not exist.*--seed-from" \
    bash "$hub" "${base[@]}" --state "$work/s5" --data-dir "$work/nowhere"
expect_fail "dummy auth without password" "needs --password" \
    bash "$hub" --no-deps --no-build --auth dummy --spawner simple --state "$work/s6" --data-dir "$NNZOO_DATA"
expect_fail "bad heap" "--heap '2 GB'" \
    bash "$hub" "${base[@]}" --state "$work/s7" --data-dir "$NNZOO_DATA" --heap "2 GB"
expect_fail "bad culling time" "--cull-busy '2 days'.*90s, 45m, 2h" \
    bash "$hub" "${base[@]}" --state "$work/s7" --data-dir "$NNZOO_DATA" --cull-busy "2 days"
expect_fail "bad memory limit" "--mem-limit '3GB'" \
    bash "$hub" "${base[@]}" --state "$work/s7" --data-dir "$NNZOO_DATA" --mem-limit 3GB
expect_fail "port next to the API port" "--port 8080 and --api-port 8081 collide.*proxy's API --port \+ 1" \
    bash "$hub" "${base[@]}" --state "$work/s7" --data-dir "$NNZOO_DATA" --port 8080
mkdir -p "$work/open" && chmod 777 "$work/open" && mkdir -p "$work/open/data"  # no sticky bit
expect_fail "data below a world-writable dir" "must be read-only for students.*folder above it that others may write: $work/open" \
    bash "$hub" "${base[@]}" --state "$work/s8" --data-dir "$work/open/data"

# ---- TLS: no login form in plain HTTP off loopback -----------------------------------------------------
expect_fail "plain HTTP on 0.0.0.0" "--ip 0.0.0.0 without TLS would send students' passwords.*--ssl-cert.*--self-signed.*--insecure-http" \
    bash "$hub" "${base[@]}" --state "$work/s9" --data-dir "$NNZOO_DATA" --ip 0.0.0.0
expect_fail "plain HTTP on a LAN address" "--ip 192.168.1.20 without TLS" \
    bash "$hub" "${base[@]}" --state "$work/s9" --data-dir "$NNZOO_DATA" --ip 192.168.1.20
mkdir -p "$work/tls"
for n in a b; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=hub-$n.test" \
        -keyout "$work/tls/key-$n.pem" -out "$work/tls/cert-$n.pem" 2>/dev/null
done
chmod 600 "$work/tls/key-a.pem"
chmod 644 "$work/tls/key-b.pem"
expect_fail "certificate without key" "--ssl-cert and --ssl-key go together" \
    bash "$hub" "${base[@]}" --state "$work/s9" --data-dir "$NNZOO_DATA" --ip 0.0.0.0 --ssl-cert "$work/tls/cert-a.pem"
expect_fail "key of another certificate" "is not the key of the certificate" \
    bash "$hub" "${base[@]}" --state "$work/s9" --data-dir "$NNZOO_DATA" --ip 0.0.0.0 \
    --ssl-cert "$work/tls/cert-a.pem" --ssl-key "$work/tls/key-b.pem"
expect_fail "key readable by students" "key-b.pem is readable by other users.*chmod 600" \
    bash "$hub" "${base[@]}" --state "$work/s9" --data-dir "$NNZOO_DATA" --ip 0.0.0.0 \
    --ssl-cert "$work/tls/cert-b.pem" --ssl-key "$work/tls/key-b.pem"

# ---- idempotent (re)install, seeding ----------------------------------------------------------------
mkdir -p "$work/seed/mnist"
cp "$NNZOO_DATA/mnist/t10k-labels-idx1-ubyte.gz" "$work/seed/mnist/"
echo "seed test" > "$work/seed/README.md"
chown -R 65534:65534 "$work/seed"  # a source a student owns: the copies must not keep that owner
for run in 1 2; do
    bash "$hub" "${base[@]}" --state "$work/state" --data-dir "$work/data" --seed-from "$work/seed" \
        --ip 0.0.0.0 --insecure-http \
        >"$work/install-$run.log" 2>&1 || { cat "$work/install-$run.log" >&2; nnzoo_die "hub set-up test: install $run failed"; }
    cp "$work/kernel/share/jupyter/kernels/nnzoo-java/kernel.json" "$work/kernel-$run.json"
    cp "$work/state/hub.env" "$work/hub-$run.env"
    stat -c '%n %a %s %Y' "$work/data/mnist/t10k-labels-idx1-ubyte.gz" "$work/data/README.md" > "$work/data-$run.txt"
done
cmp -s "$work/kernel-1.json" "$work/kernel-2.json" || nnzoo_die "hub set-up test: kernel.json differs after a re-install"
cmp -s "$work/hub-1.env" "$work/hub-2.env" || nnzoo_die "hub set-up test: hub.env differs after a re-install"
cmp -s "$work/data-1.txt" "$work/data-2.txt" || nnzoo_die "hub set-up test: a re-install rewrote seeded files"
cmp -s "$NNZOO_DATA/mnist/t10k-labels-idx1-ubyte.gz" "$work/data/mnist/t10k-labels-idx1-ubyte.gz" \
    || nnzoo_die "hub set-up test: the seeded file differs from its source"
student_cannot_change() { # DIR FILE(relative): a student (uid nobody) can read FILE but change nothing in DIR
    local dir="$1" file="$1/$2" what
    local as_student=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as_student[@]}" test -r "$file" || nnzoo_die "hub set-up test: a student (nobody) cannot read $file"
    for what in "touch '$dir/new-file'" "echo x >> '$file'" "rm -f '$file'" "mv '$file' '$file.moved'" \
                "mkdir '$dir/new-dir'" "chmod 666 '$file'" "touch '$(dirname "$file")/new-file'"; do
        if "${as_student[@]}" sh -c "$what" 2>/dev/null; then
            nnzoo_die "hub set-up test: a student (nobody) could change the data folder: $what"
        fi
    done
    [[ -z "$(find "$dir" ! -user 0)" ]] || nnzoo_die "hub set-up test: not root-owned in $dir: $(find "$dir" ! -user 0 | head -n 3)"
}
student_cannot_change "$work/data" mnist/t10k-labels-idx1-ubyte.gz
grep -q '"NNZOO_DATA": "'"$work/data"'"' "$work/kernel-1.json" || nnzoo_die "hub set-up test: kernel.json lacks NNZOO_DATA"
grep -q "WARNING: --insecure-http: the hub serves its login form over plain HTTP on 0.0.0.0" "$work/install-1.log" \
    || nnzoo_die "hub set-up test: --ip 0.0.0.0 --insecure-http gave no warning"
grep -q "^NNZOO_HUB_INSECURE_HTTP='1'" "$work/hub-1.env" || nnzoo_die "hub set-up test: hub.env lacks NNZOO_HUB_INSECURE_HTTP='1'"
printf '  ok  %-28s %s\n' "idempotent re-install" "same kernel.json and hub.env twice; seeded files (a student's) copied once, root-owned: a student cannot write, create, delete, rename, chmod"
passed=$((passed + 1))

# start-hub.sh refuses plain HTTP off loopback without --insecure-http, also when hub.env was edited by hand
mkdir -p "$work/state-edited"
sed "s/^NNZOO_HUB_INSECURE_HTTP=.*/NNZOO_HUB_INSECURE_HTTP='0'/" "$work/state/hub.env" > "$work/state-edited/hub.env"
expect_fail "start-hub: plain HTTP off lo" "plain HTTP.*without --insecure-http.*--ssl-cert/--ssl-key or --self-signed" \
    bash "$NNZOO_ROOT/environment/start-hub.sh" --state "$work/state-edited"

# an existing data folder a student may write (not seeded) is made root-owned and read-only
mkdir -p "$work/loose/mnist"
echo "loose" > "$work/loose/mnist/file.txt"
chown -R 65534:65534 "$work/loose"
chmod -R 777 "$work/loose"
# relative paths, resolved against the working directory; a certificate of the instructor on 0.0.0.0
(cd "$work" && bash "$hub" "${base[@]}" --state rel-state --data-dir ./loose --kernel-prefix rel-kernel \
    --ip 0.0.0.0 --ssl-cert tls/cert-a.pem --ssl-key ./tls/key-a.pem >"$work/install-rel.log" 2>&1) \
    || { cat "$work/install-rel.log" >&2; nnzoo_die "hub set-up test: install with relative paths failed"; }
grep -q "made $work/loose root-owned and read-only for students" "$work/install-rel.log" \
    || { cat "$work/install-rel.log" >&2; nnzoo_die "hub set-up test: install did not say it fixed the loose data folder"; }
student_cannot_change "$work/loose" mnist/file.txt
for kv in "NNZOO_HUB_STATE='$work/rel-state'" "NNZOO_DATA='$work/loose'" "NNZOO_HUB_SSL_CERT='$work/tls/cert-a.pem'" \
          "NNZOO_HUB_SSL_KEY='$work/tls/key-a.pem'" "NNZOO_HUB_TLS='cert'" "NNZOO_HUB_JUPYTER_PATH='$work/rel-kernel/share/jupyter'"; do
    grep -qxF "$kv" "$work/rel-state/hub.env" || { cat "$work/rel-state/hub.env" >&2; nnzoo_die "hub set-up test: hub.env lacks $kv"; }
done
grep -q '"NNZOO_DATA": "'"$work/loose"'"' "$work/rel-kernel/share/jupyter/kernels/nnzoo-java/kernel.json" \
    || nnzoo_die "hub set-up test: kernel.json of the relative install lacks NNZOO_DATA=$work/loose"
printf '  ok  %-28s %s\n' "relative paths, loose data" "absolute in hub.env and kernel.json; a student-writable data folder made root-owned and read-only"
passed=$((passed + 1))

# a data folder reached through a symlink (e.g. ../shared -> /srv/shared): the link's own mode 777 is no
# problem, but a world-writable folder it leads to is
(
    # shellcheck source=environment/hub/datadir.sh
    source "$NNZOO_ROOT/environment/hub/datadir.sh"
    mkdir -p "$work/links" "$work/open2/data"
    chmod 755 "$work/links"
    chmod 777 "$work/open2"
    ln -s "$work/loose" "$work/links/shared"
    ln -s "$work/open2" "$work/links/open"
    ! problem="$(nnzoo_data_problem "$work/links/shared")" \
        || nnzoo_die "hub set-up test: a root-owned data folder behind a symlink was refused: $problem"
    problem="$(nnzoo_data_problem "$work/links/open/data")" && [[ "$problem" == *"$work/open2 (mode 777)"* ]] \
        || nnzoo_die "hub set-up test: a data folder below a world-writable folder reached through a symlink was accepted (${problem:-no problem found})"
)
printf '  ok  %-28s %s\n' "data folder via a symlink" "the link's own mode ignored; a world-writable folder it leads to refused"
passed=$((passed + 1))

# the memory-cgroup code against a fake cgroup v2 tree (the hub's cgroup is the root; already prepared)
/usr/bin/python3 - "$NNZOO_ROOT/environment/hub" "$work/fake-cg" <<'PY' || nnzoo_die "hub set-up test: cgroup v2 code on a fake tree failed"
import os, sys
sys.path.insert(0, sys.argv[1])
import nnzoo_memlimit as m
root, proc = os.path.join(sys.argv[2], "cg"), os.path.join(sys.argv[2], "proc")
for d in (root, os.path.join(root, "nnzoo-hub", "alice"), os.path.join(proc, "self")):
    os.makedirs(d, exist_ok=True)
for path, text in (("cg/cgroup.controllers", "cpu io memory pids"), ("cg/cgroup.subtree_control", "cpu"),
                   ("cg/nnzoo-hub/cgroup.subtree_control", ""), ("cg/nnzoo-hub/alice/memory.swap.max", "max"),
                   ("proc/self/cgroup", "0::/")):
    open(os.path.join(sys.argv[2], path), "w").write(text)
cg = m.Cgroups(root=root, proc=proc)
assert cg.mode == "cgroup v2", (cg.mode, cg.reason)
path = cg.prepare("alice", m.parse_size("3g"))
read = lambda p: open(os.path.join(root, p)).read()
assert path == os.path.join(root, "nnzoo-hub", "alice"), path
assert read("nnzoo-hub/alice/memory.max") == str(3 << 30), read("nnzoo-hub/alice/memory.max")
assert read("nnzoo-hub/alice/memory.swap.max") == "0"
assert read("cgroup.subtree_control") == "+memory" and read("nnzoo-hub/cgroup.subtree_control") == "+memory"
assert m.parse_size("1536m") == 1536 << 20 and m.parse_size("0") == 0
# a hub started by hand: its cgroup is the login session's, which also holds the shell (pid 4242, not the hub's)
session = os.path.join(root, "user.slice", "session-1.scope")
os.makedirs(session, exist_ok=True)
for name, text in (("cgroup.controllers", "cpu memory pids"), ("cgroup.subtree_control", ""),
                   ("cgroup.procs", f"4242\n{os.getpid()}\n")):
    open(os.path.join(session, name), "w").write(text)
open(os.path.join(proc, "self", "cgroup"), "w").write("0::/user.slice/session-1.scope")
cg = m.Cgroups(root=root, proc=proc)
assert not cg.available and "pid 4242" in cg.reason and "systemd unit" in cg.reason, (cg.mode, cg.reason)
assert cg.describe(3 << 30).startswith("per-student memory limit NOT enforced"), cg.describe(3 << 30)
# the same cgroup holding only the hub (its systemd unit): enforced
open(os.path.join(session, "cgroup.procs"), "w").write(f"{os.getpid()}\n")
cg = m.Cgroups(root=root, proc=proc)
assert cg.mode == "cgroup v2", (cg.mode, cg.reason)
PY
printf '  ok  %-28s %s\n' "memory cgroup v2 (fake tree)" "memory.max, memory.swap.max = 0, +memory for the children; a session's cgroup: NOT enforced"
passed=$((passed + 1))

# ---- add-students.sh: a home kept from before gets its owner's UID back, and never another account's --------
students="$work/homes"
mkdir -p "$students/nnzootesta" "$students/nnzootestb"
# the UID useradd would give the next new account (the highest in use, plus one): what a kept home from a
# re-created container has, so a new account made first would take it without the reservation
free_uid="$(getent passwd | awk -F: '$3 >= 1000 && $3 < 60000 && $3 > m {m = $3} END {print (m ? m + 1 : 1000)}')"
while getent passwd "$free_uid" >/dev/null; do free_uid=$((free_uid + 1)); done
chown "$free_uid" "$students/nnzootesta"
chown nobody "$students/nnzootestb"
cleanup_students() { for u in nnzootesta nnzootestb nnzootestc; do userdel "$u" 2>/dev/null || true; done
                     groupdel nnzoo-test-students 2>/dev/null || true; }
cleanup_students
# a new name before the kept one: the new account must not take the kept home's UID
bash "$NNZOO_ROOT/environment/hub/add-students.sh" --group nnzoo-test-students --home-base "$students" nnzootestc \
    nnzootesta >"$work/students.log" 2>&1 \
    || { cat "$work/students.log" >&2; cleanup_students; nnzoo_die "hub set-up test: add-students.sh with a kept home failed"; }
[[ "$(id -u nnzootesta)" == "$free_uid" && "$(stat -c %U "$students/nnzootesta")" == nnzootesta ]] \
    || { cleanup_students; nnzoo_die "hub set-up test: the kept home's UID ($free_uid) was not given back to nnzootesta ($(id -u nnzootesta))"; }
[[ "$(id -u nnzootestc)" != "$free_uid" && "$(stat -c %U "$students/nnzootestc")" == nnzootestc ]] \
    || { cleanup_students; nnzoo_die "hub set-up test: the new account nnzootestc took the kept home's UID $free_uid"; }
if bash "$NNZOO_ROOT/environment/hub/add-students.sh" --group nnzoo-test-students --home-base "$students" nnzootestb \
        >"$work/students.log" 2>&1 || ! grep -q "belongs to UID .*nobody.*cannot become nnzootestb's home" "$work/students.log"; then
    cat "$work/students.log" >&2; cleanup_students
    nnzoo_die "hub set-up test: add-students.sh should refuse a home that belongs to another account"
fi
cleanup_students
printf '  ok  %-28s %s\n' "add-students: kept homes" "the owner's UID given back, also after a new name; a home of another account refused"
passed=$((passed + 1))

# ---- the Dockerfile and Binder call only the tested scripts, with options those have -----------------
/usr/bin/python3 "$NNZOO_ROOT/environment/tests/check-wrappers.py" "$NNZOO_ROOT"
passed=$((passed + 1))
nnzoo_info "hub set-up test: $passed checks passed"

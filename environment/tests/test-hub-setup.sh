#!/usr/bin/env bash
# Bad set-ups of the course server get clear errors, and a re-install is idempotent (about 15 s;
# needs root and `mvn package`). Everything goes to a temporary folder, removed at the end.
#  - no Java 17 (a fake Java 11 in JAVA_HOME), no JupyterHub / no Jupyter Notebook on PATH;
#  - a data folder that cannot be seeded (not writable by the installing user), one that is missing;
#  - install-hub.sh twice: same kernelspec and settings, exit 0; seeding copies only missing files
#    and leaves the data folder read-only for others;
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

# ---- idempotent (re)install, seeding ----------------------------------------------------------------
mkdir -p "$work/seed/mnist"
cp "$NNZOO_DATA/mnist/t10k-labels-idx1-ubyte.gz" "$work/seed/mnist/"
echo "seed test" > "$work/seed/README.md"
for run in 1 2; do
    bash "$hub" "${base[@]}" --state "$work/state" --data-dir "$work/data" --seed-from "$work/seed" \
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
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "touch '$work/data/mnist/x'" 2>/dev/null; then
    nnzoo_die "hub set-up test: a student (nobody) can write the seeded data folder"
fi
setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$work/data/mnist/t10k-labels-idx1-ubyte.gz" \
    || nnzoo_die "hub set-up test: a student (nobody) cannot read the seeded data"
grep -q '"NNZOO_DATA": "'"$work/data"'"' "$work/kernel-1.json" || nnzoo_die "hub set-up test: kernel.json lacks NNZOO_DATA"
printf '  ok  %-28s %s\n' "idempotent re-install" "same kernel.json and hub.env twice; seeded files copied once, read-only for others"
passed=$((passed + 1))

# ---- the Dockerfile and Binder call only the tested scripts, with options those have -----------------
/usr/bin/python3 "$NNZOO_ROOT/environment/tests/check-wrappers.py" "$NNZOO_ROOT"
passed=$((passed + 1))
nnzoo_info "hub set-up test: $passed checks passed"

#!/usr/bin/env bash
# Installs the "nnzoo-java" Jupyter kernelspec for THIS checkout: rapaio-jupyter-kernel 3.0.1 with
# NN Zoo's start-up fix, the library and all its runtime jars on the JShell class path, and the
# imports of environment/kernel-init.jshell. All paths in the kernelspec are absolute, so move or
# re-clone the repository => run this again. Needs `mvn -DskipTests package` first (see --help).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<'USAGE'
usage: bash environment/install-kernel.sh [--user | --system | --prefix DIR] [options]

where the kernelspec goes (default --user):
  --user            $(jupyter --data-dir)/kernels/NAME, for the current user, no root needed
  --system          /usr/local/share/jupyter/kernels/NAME, for every user (needs root)
  --prefix DIR      DIR/share/jupyter/kernels/NAME; use it with JUPYTER_PATH=DIR/share/jupyter

options:
  --name NAME       kernelspec name (default nnzoo-java; notebooks ask for "nnzoo-java")
  --display-name S  name shown in Jupyter (default "Java 17 (NN Zoo)")
  --heap SIZE       kernel JVM -Xmx, e.g. 6g (default: half the RAM, at least 1g, at most 8g;
                    or $NNZOO_KERNEL_HEAP)
  --data-dir DIR    bake NNZOO_DATA=DIR (datasets) into the kernel's environment
  --reproducible    bake NNZOO_REPRODUCIBLE=1 into the kernel's environment: always the reproducible mode,
                    the same numbers on any x86-64 CPU with AVX2 (environment/README.md, Reproducible mode)
  --not-reproducible  bake NNZOO_REPRODUCIBLE=0: always off; faster on CPUs with AVX-512, numbers of this CPU
                    only. Without either, the kernel takes NNZOO_REPRODUCIBLE from the environment Jupyter is
                    started with: the mode unless that says 0
  --djl-cache DIR   DJL_CACHE_DIR for the kernel (default: $DJL_CACHE_DIR, else ~/.djl.ai for
                    --user/--prefix, /var/cache/nnzoo/djl for --system, filled at install)
  --unpack-natives  unpack PyTorch's natives into the DJL cache now and make them readable by all
                    (always done for --system, where the cache is shared)
  --java-opt OPT    one more JVM option for the kernel (repeatable), e.g. -Dai.djl.pytorch.num_threads=2;
                    also $NNZOO_KERNEL_JAVA_OPTS (options separated by spaces, before the --java-opt ones)
  --unpatched       DIAGNOSTIC ONLY: leave out the LoopThread fix (kernel jar alone on -cp), to measure
                    the start-up race with environment/kernel-starts.sh; never use it for real work
  -q, --quiet       print only the kernelspec folder
USAGE
}

mode=user
prefix=""
name=nnzoo-java
display_name="Java 17 (NN Zoo)"
heap="${NNZOO_KERNEL_HEAP:-}"
data_dir=""
reproducible=unset  # unset: the kernel follows the environment Jupyter starts it with (the mode unless it says 0)
djl_cache="${DJL_CACHE_DIR:-}"
patched=true
quiet=false
unpack_natives=false
extra_java_opts=()
# NNZOO_KERNEL_JAVA_OPTS: JVM options separated by spaces (no quoting), e.g. "-XX:UseAVX=2 -XX:MaxVectorSize=32"
read -r -a extra_java_opts <<<"${NNZOO_KERNEL_JAVA_OPTS:-}"

need_arg() { [[ $# -ge 2 && -n "$2" ]] || nnzoo_die "$1 needs a value (see --help)"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --user) mode=user ;;
        --system) mode=system ;;
        --prefix) need_arg "$@"; mode=prefix; prefix="$2"; shift ;;
        --name) need_arg "$@"; name="$2"; shift ;;
        --display-name) need_arg "$@"; display_name="$2"; shift ;;
        --heap) need_arg "$@"; heap="$2"; shift ;;
        --data-dir) need_arg "$@"; data_dir="$2"; shift ;;
        --reproducible) reproducible=on ;;
        --not-reproducible) reproducible=off ;;
        --djl-cache) need_arg "$@"; djl_cache="$2"; shift ;;
        --java-opt) need_arg "$@"; extra_java_opts+=("$2"); shift ;;
        --unpatched) patched=false ;;
        --unpack-natives) unpack_natives=true ;;
        -q|--quiet) quiet=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; nnzoo_die "unknown option: $1" ;;
    esac
    shift
done
# paths are read from the folder the command is typed in, once
[[ -z "$prefix" ]] || prefix="$(nnzoo_abspath "$prefix")"
[[ -z "$data_dir" ]] || data_dir="$(nnzoo_abspath "$data_dir")"
[[ -z "$djl_cache" ]] || djl_cache="$(nnzoo_abspath "$djl_cache")"
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || nnzoo_die "--name '$name': use letters, digits, '.', '_' or '-'"

root="$NNZOO_ROOT"
case "$root" in
    *'*'*|*'?'*|*'['*|*']'*|*'{'*|*'}'*|*';'*|*':'*)
        nnzoo_die "the repository path '$root' contains one of * ? [ ] { } ; : which break the kernel's class path; clone it elsewhere" ;;
esac

# ---- the jars (built by `mvn package`) ---------------------------------------------------------
build_hint="(cd '$root' && mvn -B -DskipTests -DskipNotebooks package)"
first_match() { # first existing file matching the glob(s), skipping -sources/-javadoc/-tests jars
    local f
    for f in "$@"; do
        [[ -f "$f" ]] || continue
        case "$f" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue ;; esac
        printf '%s\n' "$f"
        return 0
    done
    return 1
}
kernel_jar="$(first_match "$root"/kernel-patch/target/kernel/rapaio-jupyter-kernel-*.jar)" \
    || nnzoo_die "no kernel jar in kernel-patch/target/kernel/: not built yet, run mvn package first: $build_hint"
patch_jar="$(first_match "$root"/kernel-patch/target/nnzoo-kernel-patch-*.jar)" \
    || nnzoo_die "no kernel patch jar in kernel-patch/target/: not built yet, run mvn package first: $build_hint"
first_match "$root"/lib/target/nnzoo-lib-*.jar >/dev/null \
    || nnzoo_die "no library jar in lib/target/: not built yet, run mvn package first: $build_hint"
compgen -G "$root/lib/target/dependency/*.jar" >/dev/null \
    || nnzoo_die "no runtime jars in lib/target/dependency/: not built yet, run mvn package first: $build_hint"

init_source="$root/environment/kernel-init.jshell"
[[ -f "$init_source" ]] || nnzoo_die "missing $init_source"

# ---- java, setpriv, heap ----------------------------------------------------------------------
java="$(nnzoo_java)" || nnzoo_die "no java found: install a JDK 17+ (bash environment/install-deps.sh) or set JAVA_HOME"
java_version="$(nnzoo_java_version "$java")"
[[ -n "$java_version" && "${java_version%%.*}" -ge 17 ]] \
    || nnzoo_die "$java is Java '${java_version:-?}'; the kernel needs 17 or newer (set JAVA_HOME)"

argv=()
if command -v setpriv >/dev/null 2>&1; then
    # the kernel JVM gets SIGKILL when its parent (Jupyter, nbclient) dies: no orphaned kernels
    argv+=("$(command -v setpriv)" --pdeathsig KILL)
else
    nnzoo_warn "setpriv (util-linux) not found: a killed Jupyter/runner may leave the kernel JVM running"
fi

if [[ -z "$heap" ]]; then
    mem_kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
    if [[ -z "$mem_kb" ]] && command -v sysctl >/dev/null 2>&1; then
        mem_kb="$(( $(sysctl -n hw.memsize 2>/dev/null || echo 0) / 1024 ))"
    fi
    heap_mb="$(( ${mem_kb:-0} / 1024 / 2 ))"
    (( heap_mb < 1024 )) && heap_mb=1024
    (( heap_mb > 8192 )) && heap_mb=8192
    heap="$(( heap_mb / 1024 ))g"
    (( heap_mb % 1024 != 0 )) && heap="${heap_mb}m"
fi
[[ "$heap" =~ ^[0-9]+[kKmMgG]?$ ]] || nnzoo_die "--heap '$heap': use a JVM size like 4g or 3072m"

if $patched; then
    kernel_cp="$patch_jar:$kernel_jar"
else
    nnzoo_warn "--unpatched: the kernel has rapaio 3.0.1's start-up race (diagnostics only)"
    kernel_cp="$kernel_jar"
fi
argv+=("$java" "-Xmx$heap"
       # a fixed 64 MB young generation: G1 otherwise grows it to hundreds of MB under the training loops' short-lived
       # garbage (NDArray handles, batches), resident for good; same numbers, same or less time (environment/README.md)
       -Xmn64m
       -Dai.djl.offline=true -Djava.awt.headless=true
       -Dai.djl.pytorch.graph_optimizer=false
       # the Vector API for Word2Vec's training kernels (Word2Vec.simd(); same results without it, ~2x slower)
       --add-modules jdk.incubator.vector
       # CPU build: DJL's "Failed to detect GPU count" warning is noise in every notebook
       -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error "${extra_java_opts[@]+"${extra_java_opts[@]}"}"
       -cp "$kernel_cp" org.rapaio.jupyter.kernel.MainApp "{connection_file}")

# ---- where it goes ----------------------------------------------------------------------------
py="$(nnzoo_python || command -v python3 || true)"
[[ -n "$py" ]] || nnzoo_die "no python3 found (Jupyter needs it): bash environment/install-deps.sh"
case "$mode" in
    user)
        data_root="$("$py" -c 'import jupyter_core.paths as p; print(p.jupyter_data_dir())' 2>/dev/null || true)"
        if [[ -z "$data_root" ]]; then
            data_root="$(jupyter --data-dir 2>/dev/null || true)"
        fi
        [[ -n "$data_root" ]] || data_root="${XDG_DATA_HOME:-$HOME/.local/share}/jupyter"
        kernels_dir="$data_root/kernels"
        : "${djl_cache:=$HOME/.djl.ai}"
        ;;
    system)
        kernels_dir=/usr/local/share/jupyter/kernels
        # one shared, world-writable (sticky) cache: PyTorch's 432 MB of natives are unpacked once,
        # by whichever user starts a kernel first, and only read after that
        : "${djl_cache:=/var/cache/nnzoo/djl}"
        ;;
    prefix)
        kernels_dir="$prefix/share/jupyter/kernels"
        : "${djl_cache:=$HOME/.djl.ai}"
        ;;
esac
mkdir -p "$djl_cache" 2>/dev/null || nnzoo_die "cannot create the DJL cache $djl_cache (use --djl-cache DIR)"
djl_cache="$(cd "$djl_cache" && pwd)"
if [[ "$mode" == system ]] || $unpack_natives; then
    # Unpack PyTorch's natives now and make them readable by everyone. Left to the first kernel, DJL
    # would create the unpacked folder with mode 700 as that user, locking every other user out.
    nnzoo_info "unpacking PyTorch's native libraries into $djl_cache (about 10 s the first time, skipped when already there)"
    lib_jar="$(first_match "$root"/lib/target/nnzoo-lib-*.jar)"
    DJL_CACHE_DIR="$djl_cache" "$java" -Dai.djl.offline=true \
        -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
        -cp "$lib_jar:$root/lib/target/dependency/*" "$root/environment/UnpackNatives.java" >&2 \
        || nnzoo_die "PyTorch's natives could not be unpacked into $djl_cache (see above); is it writable? (--djl-cache DIR)"
    chmod -R a+rX "$djl_cache" 2>/dev/null || nnzoo_die "cannot make $djl_cache readable for all users"
fi
if [[ -n "$data_dir" && ! -d "$data_dir" ]]; then
    nnzoo_die "--data-dir $data_dir is not a folder"
fi

kernel_dir="$kernels_dir/$name"
mkdir -p "$kernel_dir" 2>/dev/null \
    || nnzoo_die "cannot write $kernel_dir$( [[ $mode == system ]] && echo ' (--system needs root: sudo bash environment/install-kernel.sh --system)')"

# The init script: environment/kernel-init.jshell minus the imports that would not compile. An import
# of a package with no class on the class path makes JShell fail and the kernel die at start-up.
init_script="$kernel_dir/kernel-init.jshell"
"$py" - "$init_source" "$init_script" "$root/lib/target" <<'PY' || nnzoo_die "bad $init_source (see above)"
import glob, os, re, sys, zipfile
source, target, lib_target = sys.argv[1:4]
jars = [j for j in sorted(glob.glob(os.path.join(lib_target, "nnzoo-lib-*.jar")))
        if not re.search(r"-(sources|javadoc|tests)\.jar$", j)]
jars += sorted(glob.glob(os.path.join(lib_target, "dependency", "*.jar")))
classes = set()
for jar in jars:
    with zipfile.ZipFile(jar) as z:
        classes.update(n[:-6] for n in z.namelist() if n.endswith(".class"))
packages = {c.rsplit("/", 1)[0] for c in classes if "/" in c}
line_re = re.compile(r"^import\s+(static\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(\.\*)?\s*;$")
out, skipped, bad = [], [], []
with open(source, encoding="utf-8") as f:
    for number, raw in enumerate(f, 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            out.append(raw.rstrip("\n"))
            continue
        m = line_re.match(line)
        if not m:
            bad.append(f"  line {number}: {line}")
            continue
        is_static, name, star = m.group(1), m.group(2), m.group(3)
        if name.split(".")[0] in ("java", "javax", "jdk"):
            out.append(line)  # the JDK's own packages are always there
            continue
        path = name.replace(".", "/")
        if is_static:  # import static a.b.C.*; / import static a.b.C.member;
            ok = path in classes if star else path.rsplit("/", 1)[0] in classes
        else:
            ok = path in packages if star else path in classes
        if ok:
            out.append(line)
        else:
            skipped.append(name + (star or ""))
            out.append(f"// not on the class path when installed: {line}")
if bad:
    print("[nnzoo] ERROR: only import lines and // comments are allowed in " + source
          + " (the kernel runs it as one snippet):\n" + "\n".join(bad), file=sys.stderr)
    sys.exit(1)
if skipped:
    print("[nnzoo] init imports skipped (no such package/class in the library yet): " + ", ".join(skipped),
          file=sys.stderr)
with open(target, "w", encoding="utf-8") as f:
    f.write("// GENERATED by environment/install-kernel.sh from " + source + "; edit that file instead.\n")
    f.write("\n".join(out) + "\n")
PY

# kernel.json, written by python so that every string is escaped correctly
NNZOO_ARGV="$(printf '%s\n' "${argv[@]}")" \
NNZOO_DISPLAY="$display_name" \
NNZOO_CLASSPATH="$root/lib/target/nnzoo-lib-*.jar;$root/lib/target/dependency/*.jar" \
NNZOO_INIT="$init_script" \
NNZOO_DJL="$djl_cache" \
NNZOO_DATA_DIR="$data_dir" \
NNZOO_PATCHED="$patched" \
NNZOO_BAKE_REPRODUCIBLE="$reproducible" \
NNZOO_HEAP="$heap" \
    "$py" - "$kernel_dir/kernel.json" <<'PY'
import json, os, sys
env = {
    # JShell class path: ';'-separated, globs expanded by the kernel at start
    "RJK_CLASSPATH": os.environ["NNZOO_CLASSPATH"],
    # a file of import statements only; the kernel runs it as a single JShell snippet
    "RJK_INIT_SCRIPT": os.environ["NNZOO_INIT"],
    # <= 0: no per-cell time limit inside the kernel (the runner has its own --timeout)
    "RJK_TIMEOUT_MILLIS": "-1",
    "DJL_CACHE_DIR": os.environ["NNZOO_DJL"],
    # PyTorch's OpenMP threads sleep instead of spinning while they wait: with spinning (libgomp's default),
    # 2 intra-op threads slow 4-10x or stall as soon as anything else wants a core (another kernel, a browser)
    "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY") or "PASSIVE",
    # one glibc malloc arena for every thread: the cell's thread then reuses large tensor buffers from the main arena,
    # as Python's main thread does, instead of faulting in a secondary arena's fresh pages (NativeTuning; read at start)
    "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX") or "1",
}
if os.environ["NNZOO_DATA_DIR"]:
    env["NNZOO_DATA"] = os.environ["NNZOO_DATA_DIR"]
if os.environ["NNZOO_BAKE_REPRODUCIBLE"] == "on":
    # org.nnzoo.train.Reproducible: oneMKL CNR AVX2 strict, ATen avx2, oneDNN AVX2, 2 PyTorch threads
    env["NNZOO_REPRODUCIBLE"] = "1"
elif os.environ["NNZOO_BAKE_REPRODUCIBLE"] == "off":
    env["NNZOO_REPRODUCIBLE"] = "0"
spec = {
    "argv": os.environ["NNZOO_ARGV"].splitlines(),
    "display_name": os.environ["NNZOO_DISPLAY"],
    "language": "java",
    # the kernel answers interrupt_request on its control channel; a SIGINT would end the JVM
    "interrupt_mode": "message",
    "env": env,
    "metadata": {
        "nnzoo": {
            "patched_kernel": os.environ["NNZOO_PATCHED"] == "true",
            "heap": os.environ["NNZOO_HEAP"],
            "written_by": "environment/install-kernel.sh",
        }
    },
}
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
os.replace(tmp, sys.argv[1])
PY

if $quiet; then
    printf '%s\n' "$kernel_dir"
else
    nnzoo_info "kernelspec '$name' -> $kernel_dir ($( $patched && echo patched || echo UNPATCHED ) kernel, -Xmx$heap, java $java_version at $java)"
    if [[ "$mode" == prefix ]]; then
        nnzoo_info "use it with: JUPYTER_PATH='$(dirname "$kernels_dir")' jupyter notebook notebooks/"
    else
        nnzoo_info "open the notebooks with: jupyter notebook '$root/notebooks/'   (kernel: $display_name)"
    fi
fi

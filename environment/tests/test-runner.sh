#!/usr/bin/env bash
# Self-test of the headless runner against the real kernel (about 15 s; needs `mvn package` first):
#  - kernel-check.ipynb must pass with the metric answer=42 and at least one image/png output;
#  - failing-cell.ipynb must fail (exit 1) at cell 3, keep the metric recorded before the failure,
#    and still be saved executed;
#  - identity-result.ipynb must fail at cell 2, whose result is only an object's identity (java.io.PrintStream@...).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

out="$NNZOO_ROOT/target/runner-selftest"
rm -rf "$out"
tests="$NNZOO_ROOT/environment/tests"
py="$(nnzoo_python)" || nnzoo_die "no python with nbclient: bash environment/install-deps.sh"

bash "$NNZOO_ROOT/environment/execute-notebooks.sh" --profile smoke --out "$out/ok" "$tests/kernel-check.ipynb" \
    || nnzoo_die "runner self-test: kernel-check.ipynb should have passed (see $out/ok/report.md)"

rc=0
bash "$NNZOO_ROOT/environment/execute-notebooks.sh" --profile smoke --out "$out/failing" "$tests/failing-cell.ipynb" || rc=$?
[[ $rc -eq 1 ]] || nnzoo_die "runner self-test: a failing notebook should exit 1, got $rc"
rc=0
bash "$NNZOO_ROOT/environment/execute-notebooks.sh" --profile smoke --out "$out/identity" "$tests/identity-result.ipynb" || rc=$?
[[ $rc -eq 1 ]] || nnzoo_die "runner self-test: a cell showing an object's identity should fail the notebook (exit 1), got $rc"

"$py" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
ok = json.load(open(os.path.join(out, "ok", "results.json")))
assert len(ok) == 1, ok
ok = ok[0]
assert ok["status"] == "ok" and ok["profile"] == "smoke", ok
assert ok["metrics"] == {"answer": 42}, ok["metrics"]
assert ok["images"] >= 1, ok
assert 50 <= ok.get("peak_rss_mb", 0) <= 64 * 1024, ok  # the kernel JVM's VmHWM, read after each cell
m = ok.get("machine") or {}  # what the kernel's Results wrote: CPU, ISA in use, mode, versions
assert isinstance(m.get("reproducible_mode"), bool) and m.get("cpu_model") and m.get("java"), m
bad = json.load(open(os.path.join(out, "failing", "results.json")))[0]
assert bad["status"] == "failed", bad
assert bad["error"]["cell"] == 3, bad["error"]
assert "NumberFormatException" in bad["error"]["message"], bad["error"]
assert bad["metrics"] == {"before_failure": 1}, bad["metrics"]
assert os.path.exists(os.path.join(out, "failing", "failing-cell.ipynb"))
ident = json.load(open(os.path.join(out, "identity", "results.json")))[0]
assert ident["status"] == "failed" and ident["error"]["cell"] == 2, ident
assert "java.io.PrintStream@" in ident["error"]["message"], ident["error"]
for name in ("report.md", "report.html"):
    assert os.path.getsize(os.path.join(out, "ok", name)) > 0
print(f"[nnzoo] runner self-test passed: metric, machine, peak memory ({ok['peak_rss_mb']} MB) and image collected,"
      " failing cell 3 and an object's identity as a result reported")
PY

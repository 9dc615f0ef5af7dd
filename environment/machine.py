"""The machine a notebook run's numbers were made with, as one line for the reports and README.

Each entry of results.json has "machine": what the kernel's org.nnzoo.notebook.Results wrote
(org.nnzoo.train.Reproducible.describe(): CPU, the code path each native library took, PyTorch threads,
reproducible mode, versions).
"""


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def summary(results):
    """One line for the report: the machine and mode the numbers were made with (from the first notebook that
    started PyTorch; the runs of one report share a machine)."""
    ms = [r.get("machine") or {} for r in results]
    m = next((x for x in ms if "pytorch" in x), ms[0] if ms else {})
    if not m:
        return "machine: unknown"
    modes = {bool(x.get("reproducible_mode")) for x in ms if x}
    broken = sorted({x["reproducible_status"] for x in ms if str(x.get("reproducible_status", "")).startswith("on, NOT")})
    mode = ("reproducible mode ON" if modes == {True} and not broken else
            "reproducible mode ON but NOT reached (" + " / ".join(broken) + ")" if modes == {True} else
            "reproducible mode OFF (NNZOO_REPRODUCIBLE=0)" if modes == {False} else "reproducible mode MIXED between notebooks")
    parts = [mode, f"CPU {m.get('cpu_model')} ({m.get('cpu_isa')}, {m.get('cpus')} CPUs)"]
    if "pytorch" in m:
        parts.append(f"oneMKL {m.get('mkl_version')} branch {m.get('mkl_cbwr') if m.get('mkl_cbwr') != 'OFF' else 'auto'}"
                     f" ({m.get('mkl_isa')}), ATen {m.get('aten_cpu_capability')}, oneDNN {m.get('onednn')}"
                     + (f" (capped at {m['onednn_max_cpu_isa']})" if m.get("onednn_max_cpu_isa") else "") + ","
                     f" {m.get('pytorch_threads')} PyTorch threads, PyTorch {m.get('pytorch')}, DJL {m.get('djl')}")
    parts.append(f"{m.get('java')}")
    return "; ".join(str(p) for p in parts)


def readme_line(results):
    """The sentence above README's results table: in which mode the numbers were made, and what a reader on
    another machine should expect."""
    line = summary(results)
    if line.startswith("reproducible mode ON; "):
        return ("Made in the reproducible mode (the default of `environment/run.sh` and of the kernel): every metric but "
                "the timings is the same, bit for bit, on any x86-64 CPU with AVX2 at the same number of PyTorch threads "
                "(2 unless set). Made with: " + line[len("reproducible mode ON; "):] + ".")
    return ("Made with " + line + ". Not in the reproducible mode: on another CPU the metrics can differ in the last "
            "digits (see environment/README.md, Reproducible mode).")

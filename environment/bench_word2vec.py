"""Word2Vec on the NLTK abc corpus: NN Zoo's Java trainer vs gensim, same corpus, same hyper-parameters.

Run through environment/bench-word2vec.sh (it installs python3-gensim/python3-nltk and builds nothing).
1. NLTK reads the corpus itself (nltk.corpus.abc from a temporary nltk_data folder pointing at
   $NNZOO_DATA/abc/abc) and the script checks that the Java reader gives the same token, sentence and
   vocabulary counts.
2. For each worker count, Java and gensim train alternately, REPEATS times each (seed = repeat + 1), on the
   same lower-cased sentences (one per non-blank line, WordPunctTokenizer tokens); words/s = corpus tokens
   x epochs / training seconds (vocabulary building excluded), best of the repeats; also per CPU second of
   the whole process (Java: all JVM threads incl. JIT and GC; Python: time.process_time()), which is less
   distorted when other jobs load the machine.
3. Overlap of the 10 nearest neighbours of the probe words: Java vs gensim (seed 1 each), and, as the
   noise floor, gensim seed 1 vs gensim seed 2 and Java seed 1 vs Java seed 2.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

PROBES = ["wheat", "drought", "cattle", "government", "science", "research", "university", "water",
          "rain", "farmers", "cancer", "climate"]


def nltk_sentences(data_dir):
    import nltk
    tmp = tempfile.mkdtemp(prefix="nnzoo-nltk-")
    os.makedirs(os.path.join(tmp, "corpora"))
    os.symlink(os.path.abspath(os.path.join(data_dir, "abc", "abc")), os.path.join(tmp, "corpora", "abc"))
    nltk.data.path.insert(0, tmp)
    from nltk.corpus import abc
    from nltk.tokenize import WordPunctTokenizer
    words = abc.words()
    tok = WordPunctTokenizer()
    sents = []
    for fid in abc.fileids():
        # split on \n only: str.splitlines() would also split at U+0085 (byte 0x85 in the Latin-1 file)
        for line in abc.raw(fid).split("\n"):
            t = [w.lower() for w in tok.tokenize(line)]
            if t:
                sents.append(t)
    lower = collections.Counter(w.lower() for w in words)
    counts = {
        "tokens": len(words),
        "tokens_rural": len(abc.words("rural.txt")),
        "tokens_science": len(abc.words("science.txt")),
        "sentences": len(sents),
        "distinct_lower": len(lower),
        "distinct_cased": len(set(words)),
        "vocab": sum(1 for c in lower.values() if c >= 5),
    }
    assert sum(map(len, sents)) == len(words), "line tokenisation lost tokens"
    return sents, counts


def run_java(root, arch, workers, epochs, seed, save):
    jar = [os.path.join(root, "lib", "target", f) for f in os.listdir(os.path.join(root, "lib", "target"))
           if f.startswith("nnzoo-lib-") and f.endswith(".jar")]
    cp = ":".join(jar + [os.path.join(root, "lib", "target", "dependency", "*")])
    # --add-modules: the Vector API for the training kernels, as the kernel and the tests run it
    cmd = ["java", "-Xmx2g", "--add-modules", "jdk.incubator.vector", "-cp", cp, "org.nnzoo.bench.Word2VecBench", "--" + arch, "--workers", str(workers),
           "--epochs", str(epochs), "--seed", str(seed), "--save", save]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {k: float(v) for k, v in (line.split("=", 1) for line in out.splitlines() if "=" in line)}


def run_gensim(sents, total_words, arch, workers, epochs, seed):
    from gensim.models import Word2Vec
    m = Word2Vec(vector_size=100, window=5, min_count=5, sg=1 if arch == "sg" else 0, negative=5, hs=0,
                 sample=1e-3, alpha=0.025, min_alpha=0.0001, workers=workers, seed=seed, epochs=epochs)
    m.build_vocab(sents)
    t0 = time.perf_counter()
    c0 = time.process_time()
    m.train(sents, total_examples=m.corpus_count, epochs=epochs)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return m.wv, {"vocab": len(m.wv), "train_seconds": secs, "words_per_s": total_words * epochs / secs,
                  "cpu_seconds": cpu, "words_per_cpu_s": total_words * epochs / cpu}


def overlap(a, b, probes, k=10):
    out = {}
    for w in probes:
        if w in a.key_to_index and w in b.key_to_index:
            na = {x for x, _ in a.most_similar(w, topn=k)}
            nb = {x for x, _ in b.most_similar(w, topn=k)}
            out[w] = len(na & nb) / k
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("NNZOO_DATA", "../shared/datasets"))
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--arch", default="sg", choices=["sg", "cbow"])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", default="target/bench-word2vec")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(a.out, exist_ok=True)
    import gensim
    from gensim.models import KeyedVectors

    sents, counts = nltk_sentences(a.data)
    print("NLTK:", json.dumps(counts))
    summary = {"gensim": gensim.__version__, "nltk_counts": counts, "arch": a.arch, "epochs": a.epochs,
               "load_before": os.getloadavg(), "runs": {}}
    for workers in [int(w) for w in a.workers.split(",")]:
        java_runs, gensim_runs, java_kv, gensim_kv = [], [], [], []
        for r in range(a.repeats):
            save = os.path.join(a.out, f"java-{a.arch}-w{workers}-seed{r + 1}.txt")
            j = run_java(root, a.arch, workers, a.epochs, r + 1, save)
            java_runs.append(j)
            java_kv.append(KeyedVectors.load_word2vec_format(save, binary=False))
            if r == 0 and workers == int(a.workers.split(",")[0]):
                mismatch = {k: (v, j.get(k)) for k, v in counts.items() if j.get(k) != v}
                print("Java reader vs NLTK:", "all counts equal" if not mismatch else f"MISMATCH {mismatch}")
                summary["java_counts_mismatch"] = mismatch
            kv, g = run_gensim(sents, counts["tokens"], a.arch, workers, a.epochs, r + 1)
            gensim_runs.append(g)
            gensim_kv.append(kv)
            print(f"workers={workers} repeat {r + 1}: java {j['words_per_s']:,.0f} words/s ({j['train_seconds']:.1f} s),"
                  f" gensim {g['words_per_s']:,.0f} words/s ({g['train_seconds']:.1f} s); per CPU s: java"
                  f" {j['words_per_cpu_s']:,.0f}, gensim {g['words_per_cpu_s']:,.0f}; load {os.getloadavg()[0]:.1f}",
                  flush=True)
        jb = max(x["words_per_s"] for x in java_runs)
        gb = max(x["words_per_s"] for x in gensim_runs)
        jc = max(x["words_per_cpu_s"] for x in java_runs)
        gc = max(x["words_per_cpu_s"] for x in gensim_runs)
        ov_jg = overlap(java_kv[0], gensim_kv[0], PROBES)
        ov_gg = overlap(gensim_kv[0], gensim_kv[1], PROBES) if a.repeats > 1 else {}
        ov_jj = overlap(java_kv[0], java_kv[1], PROBES) if a.repeats > 1 else {}
        mean = lambda d: sum(d.values()) / len(d) if d else float("nan")
        res = {"java_words_per_s": jb, "gensim_words_per_s": gb, "ratio": jb / gb,
               "java_words_per_cpu_s": jc, "gensim_words_per_cpu_s": gc, "ratio_cpu": jc / gc,
               "java_runs": java_runs, "gensim_runs": gensim_runs,
               "overlap_java_gensim": ov_jg, "overlap_gensim_gensim": ov_gg, "overlap_java_java": ov_jj,
               "mean_overlap_java_gensim": mean(ov_jg), "mean_overlap_gensim_gensim": mean(ov_gg),
               "mean_overlap_java_java": mean(ov_jj),
               "similarity_the_of": {"java": float(java_kv[0].similarity("the", "of")),
                                     "gensim": float(gensim_kv[0].similarity("the", "of"))},
               "neighbours": {w: {"java": [x for x, _ in java_kv[0].most_similar(w, topn=10)],
                                  "gensim": [x for x, _ in gensim_kv[0].most_similar(w, topn=10)]}
                              for w in PROBES if w in java_kv[0].key_to_index}}
        summary["runs"][str(workers)] = res
        print(f"== {a.arch}, {workers} worker(s): Java {jb:,.0f} words/s, gensim {gb:,.0f} words/s,"
              f" ratio {jb / gb:.2f} (per CPU second: {jc:,.0f} vs {gc:,.0f}, ratio {jc / gc:.2f}); top-10 overlap Java-gensim {mean(ov_jg):.2f}"
              f" (gensim-gensim {mean(ov_gg):.2f}, Java-Java {mean(ov_jj):.2f});"
              f" similarity(the, of) Java {res['similarity_the_of']['java']:.3f}, gensim {res['similarity_the_of']['gensim']:.3f}",
              flush=True)
    summary["load_after"] = os.getloadavg()
    with open(os.path.join(a.out, f"summary-{a.arch}.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("written", os.path.join(a.out, f"summary-{a.arch}.json"))


if __name__ == "__main__":
    sys.exit(main())

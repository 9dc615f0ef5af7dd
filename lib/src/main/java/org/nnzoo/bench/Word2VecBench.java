package org.nnzoo.bench;

import java.nio.file.Path;
import java.util.List;

import org.nnzoo.data.Abc;
import org.nnzoo.models.word2vec.Trainer;
import org.nnzoo.models.word2vec.Word2Vec;

/**
 * The Java side of {@code environment/bench-word2vec.sh} (run by {@code bench_word2vec.py}): trains
 * {@link Word2Vec} on the abc corpus and prints the corpus counts and the speed as {@code key=value} lines.
 */
public final class Word2VecBench {

    private Word2VecBench() {
    }

    /**
     * Arguments: {@code --sg|--cbow --workers N --epochs N --seed N --save FILE} (defaults: skip-gram and
     * the trainer's defaults, nothing saved).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        boolean cbow = false;
        Integer workers = null;
        Integer epochs = null;
        Long seed = null;
        Path save = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sg" -> cbow = false;
                case "--cbow" -> cbow = true;
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--save" -> save = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --sg|--cbow --workers N --epochs N --seed N --save FILE");
            }
        }
        Trainer t = cbow ? Word2Vec.cbow() : Word2Vec.skipGram();
        if (workers != null) {
            t.workers(workers);
        }
        if (epochs != null) {
            t.epochs(epochs);
        }
        if (seed != null) {
            t.seed(seed);
        }
        Abc abc = Abc.load();
        List<String[]> sentences = abc.lowerCasedSentences();
        System.out.println("tokens=" + abc.tokenCount());
        System.out.println("tokens_rural=" + abc.tokenCount(Abc.Part.RURAL));
        System.out.println("tokens_science=" + abc.tokenCount(Abc.Part.SCIENCE));
        System.out.println("sentences=" + sentences.size());
        System.out.println("distinct_lower=" + Abc.counts(sentences).size());
        System.out.println("distinct_cased=" + Abc.counts(abc.sentences()).size());
        Word2Vec w2v = t.progress(false).train(sentences);
        System.out.println("vocab=" + w2v.size());
        System.out.println("simd=" + (Word2Vec.simd() ? 1 : 0));
        System.out.println("train_seconds=" + w2v.trainSeconds());
        System.out.println("words_per_s=" + w2v.wordsPerSecond());
        System.out.println("cpu_seconds=" + w2v.trainCpuSeconds());
        System.out.println("words_per_cpu_s=" + w2v.wordsPerCpuSecond());
        System.out.println("final_loss=" + w2v.history().last("loss"));
        if (save != null) {
            w2v.save(save);
        }
    }
}

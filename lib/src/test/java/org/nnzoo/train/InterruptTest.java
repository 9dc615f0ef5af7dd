package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nnzoo.models.Mlp;
import org.nnzoo.models.ScratchMlp;
import org.nnzoo.models.Stdp;
import org.nnzoo.models.word2vec.Word2Vec;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.RlLoop;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

/** The notebook's Interrupt: the library's long loops stop between two steps, say where, and keep a consistent model. */
class InterruptTest {

    @AfterEach
    void clearFlag() {
        Thread.interrupted(); // the checks leave the flag set on purpose; do not leak it into the next test
    }

    private static Fit fit(Model model, TestData data, int epochs) {
        model.setBlock(Mlp.build(new int[] {32}, 4));
        InMemoryDataset tr = InMemoryDataset.classification(data.x, new Shape(data.dim), data.y, 32, true, 3);
        return Fit.of(model, tr).optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                .epochs(epochs).seed(3).accuracy(true);
    }

    private static List<float[]> parameters(Model model) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            NDArray a = p.getValue().getArray();
            out.add(a.toFloatArray());
        }
        return out;
    }

    /** Interrupted after epoch 1: the next batch stops it, and the weights are exactly those of a 1-epoch run. */
    @Test
    void fitStopsAtTheNextBatchAndKeepsTheLastCompletedStep() {
        TestData data = new TestData(320, 6, 4, 0.5, 5); // 10 batches of 32
        List<float[]> oneEpoch;
        try (Model model = Model.newInstance("mlp")) {
            fit(model, data, 1).run();
            oneEpoch = parameters(model);
        }
        try (Model model = Model.newInstance("mlp")) {
            Fit f = fit(model, data, 50).onEpoch((epoch, history) -> Thread.currentThread().interrupt());
            Interrupt.Stopped e = assertThrows(Interrupt.Stopped.class, f::run);
            assertEquals("interrupted at epoch 2, batch 1; the model keeps the weights of the last completed step", e.getMessage());
            assertInstanceOf(CancellationException.class, e);
            assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set for enclosing loops");
            Thread.interrupted();
            List<float[]> kept = parameters(model);
            assertEquals(oneEpoch.size(), kept.size());
            for (int i = 0; i < kept.size(); i++) {
                assertArrayEquals(oneEpoch.get(i), kept.get(i), 0f, "parameter " + i);
            }
        }
    }

    /** From another thread, as the kernel does: the training thread ends well within 2 s of the interrupt. */
    @Test
    void fitOnAnotherThreadStopsWithinTwoSeconds() throws Exception {
        TestData data = new TestData(2000, 20, 4, 0.5, 6);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (Model model = Model.newInstance("mlp")) {
                fit(model, data, 100_000).run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "training");
        t.start();
        Thread.sleep(1500); // past the engine start and into the training
        long sent = System.nanoTime();
        t.interrupt();
        t.join(10_000);
        double seconds = (System.nanoTime() - sent) / 1e9;
        assertFalse(t.isAlive(), "training still running 10 s after the interrupt");
        assertInstanceOf(Interrupt.Stopped.class, thrown.get(), String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().matches("interrupted at epoch \\d+, batch \\d+; the model keeps .*"), thrown.get().getMessage());
        assertTrue(seconds < 2, "stopped " + seconds + " s after the interrupt");
    }

    @Test
    void loopsWithoutDjlStopAndSayWhere() {
        Thread.currentThread().interrupt();
        Interrupt.Stopped rl = assertThrows(Interrupt.Stopped.class,
                () -> RlLoop.evaluate(new CartPole(), s -> 0, 3, 1));
        assertEquals("interrupted at evaluation episode 1 of 3; the agent is unchanged", rl.getMessage());

        ScratchMlp mlp = new ScratchMlp(2, 4, 2, 1);
        Interrupt.Stopped scratch = assertThrows(Interrupt.Stopped.class,
                () -> mlp.train(new double[][] {{0, 1}, {1, 0}}, new int[] {0, 1}, 100, 0.1));
        assertTrue(scratch.getMessage().startsWith("interrupted at step 1 of 100;"), scratch.getMessage());

        Stdp stdp = new Stdp(4, 2, Stdp.Rule.standard(), 1);
        double[] before = stdp.weights(0).clone();
        Interrupt.Stopped s = assertThrows(Interrupt.Stopped.class, () -> stdp.present(new float[] {1, 1, 0, 0}, 10, true));
        assertTrue(s.getMessage().contains("the layer keeps the weights learned from the images before"), s.getMessage());
        assertArrayEquals(before, stdp.weights(0), 0.0);
    }

    /** word2vec: the interrupt reaches the thread that waits for the workers; when it returns, no worker runs. */
    @Test
    void word2vecWorkersEnd() throws Exception {
        List<String[]> sentences = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            String[] s = new String[20];
            for (int j = 0; j < s.length; j++) {
                s[j] = "w" + r.nextInt(500);
            }
            sentences.add(s);
        }
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Word2Vec.skipGram().epochs(1000).workers(2).minCount(1).progress(false).train(sentences);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        Thread.sleep(800);
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertInstanceOf(Interrupt.Stopped.class, thrown.get(), String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().startsWith("interrupted at epoch "), thrown.get().getMessage());
        boolean workerAlive = Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals("word2vec") && th.isAlive());
        assertFalse(workerAlive, "a word2vec worker outlived the interrupted training");
    }
}

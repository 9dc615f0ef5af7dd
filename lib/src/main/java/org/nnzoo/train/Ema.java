package org.nnzoo.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;

/**
 * An exponential moving average of a model's parameters, {@code shadow <- d shadow + (1 - d) theta} after every
 * optimiser step, used in place of the raw weights for evaluation or sampling. It smooths out the noise of the
 * last steps of stochastic gradient descent; for diffusion models it is the largest single quality lever
 * (J. Ho, A. Jain, P. Abbeel, "Denoising diffusion probabilistic models", NeurIPS 2020, decay 0.9999;
 * B. T. Polyak, A. B. Juditsky, "Acceleration of stochastic approximation by averaging", 1992).
 *
 * <p>The average is updated with {@link #update()}, or automatically by {@link #tracking(BatchSource)}, which
 * wraps the training data so that the average is updated after every step of {@link Fit} (when the loop asks for
 * the next batch, i.e. after {@code trainer.step()}) without changing the loop. The first update copies the
 * parameters; the effective decay is {@code min(d, (1 + n)/(10 + n))} after {@code n} updates (the warm-up of
 * TensorFlow's {@code ExponentialMovingAverage}), so a short run is not dominated by the random initial weights.
 * The shadow arrays live in their own manager; each update's temporaries in a scoped sub-manager.
 */
public final class Ema implements AutoCloseable {

    private final Model model;
    private final double decay;
    private NDManager manager;
    private List<NDArray> shadow;
    private List<NDArray> params;
    private long updates;

    /**
     * @param model the model whose parameters to average (initialised before the first update)
     * @param decay the decay {@code d} in [0, 1), e.g. 0.999 for tens of thousands of steps, 0.995 for a few thousand
     */
    public Ema(Model model, double decay) {
        if (model == null || model.getBlock() == null) {
            throw new IllegalArgumentException("model must have a block: call model.setBlock(...) first");
        }
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1), got " + decay + "; 0.999 is usual");
        }
        this.model = model;
        this.decay = decay;
    }

    /** @return the decay {@code d} */
    public double decay() {
        return decay;
    }

    /** @return number of updates so far */
    public long updates() {
        return updates;
    }

    /** One step of the average: {@code shadow <- e shadow + (1 - e) theta}, {@code e = min(d, (1+n)/(10+n))}. */
    public void update() {
        if (shadow == null) {
            manager = model.getNDManager().newSubManager();
            shadow = new ArrayList<>();
            params = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                if (!p.getValue().isInitialized()) {
                    throw new IllegalStateException("parameter " + p.getKey() + " is not initialised: start training (or"
                            + " initialise the block) before the first Ema.update()");
                }
                NDArray a = p.getValue().getArray();
                params.add(a);
                NDArray copy = a.duplicate();
                copy.attach(manager);
                shadow.add(copy);
            }
            updates = 1;
            return;
        }
        float e = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        try (NDManager step = manager.newSubManager()) {
            for (int i = 0; i < shadow.size(); i++) {
                // shadow = e shadow + (1 - e) p  ==  shadow - (1 - e)(shadow - p)
                NDArray diff = shadow.get(i).sub(params.get(i));
                diff.attach(step);
                shadow.get(i).subi(diff.muli(1 - e));
            }
        }
        updates++;
    }

    /** Copies the averaged parameters into the model (for good: the raw weights are gone). */
    public void copyToModel() {
        checkStarted();
        for (int i = 0; i < shadow.size(); i++) {
            shadow.get(i).copyTo(params.get(i));
        }
    }

    /**
     * Puts the averaged parameters into the model until the returned handle is closed, then the raw ones back:
     * {@code try (var averaged = ema.swapIn()) { sample(model) }}.
     */
    public AutoCloseable swapIn() {
        checkStarted();
        NDManager backup = manager.newSubManager();
        List<NDArray> raw = new ArrayList<>();
        for (NDArray p : params) {
            NDArray c = p.duplicate();
            c.attach(backup);
            raw.add(c);
        }
        copyToModel();
        return () -> {
            for (int i = 0; i < raw.size(); i++) {
                raw.get(i).copyTo(params.get(i));
            }
            backup.close();
        };
    }

    private void checkStarted() {
        if (shadow == null) {
            throw new IllegalStateException("no average yet: call update() after training steps, or train with tracking(data)");
        }
    }

    /**
     * Wraps training data so that this average is updated after every optimisation step of the loop that consumes
     * it ({@link Fit}): the update runs when the loop comes back for the next batch (or finds there is none).
     */
    public BatchSource tracking(BatchSource data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        Ema ema = this;
        return new BatchSource() {
            @Override
            public Iterable<Batch> batches(NDManager m, int epoch) {
                Iterable<Batch> inner = data.batches(m, epoch);
                return () -> new Iterator<>() {
                    private final Iterator<Batch> it = inner.iterator();
                    private boolean pending;

                    @Override
                    public boolean hasNext() {
                        if (pending) { // the previous batch has been trained on
                            pending = false;
                            ema.update();
                        }
                        return it.hasNext();
                    }

                    @Override
                    public Batch next() {
                        if (pending) {
                            pending = false;
                            ema.update();
                        }
                        Batch b = it.next();
                        pending = true;
                        return b;
                    }
                };
            }

            @Override
            public int batchCount() {
                return data.batchCount();
            }

            @Override
            public Shape[] inputShapes() {
                return data.inputShapes();
            }
        };
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            shadow = null;
            params = null;
        }
    }
}

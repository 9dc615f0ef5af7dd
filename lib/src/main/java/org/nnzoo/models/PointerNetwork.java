package org.nnzoo.models;

import java.util.SplittableRandom;

import org.nnzoo.train.BatchSource;
import org.nnzoo.train.NativeTuning;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The pointer network: an LSTM encoder reads the input sequence, an LSTM decoder (started from the encoder's
 * final state) produces one query per output step, and the output at each step is <b>attention over the input
 * positions</b> — a pointer — instead of a symbol from a fixed vocabulary:
 * <pre>
 *   u_ij = v^T tanh(W_1 e_j + W_2 d_i),     p(output_i = j) = softmax_j(u_ij)
 * </pre>
 * O. Vinyals, M. Fortunato, N. Jaitly, "Pointer networks", NeurIPS 2015. Additive attention: Bahdanau et al.
 * 2015. Trained with teacher forcing: the decoder input at step i is the input value chosen at step i-1
 * (a start value -1 at step 0). Positions already pointed at are masked out of the softmax (in training and
 * decoding), so every output is a permutation of the input positions.
 *
 * <p>Inputs: values {@code (B, n)} and decoder inputs {@code (B, n)}. Output: pointer logits
 * {@code (B, n_out, n)}; train with {@code SequenceCrossEntropy} against the target positions {@code (B, n)}.
 */
public final class PointerNetwork extends AbstractBlock implements NativeTuning.WideOperations {

    /** The decoder's input at the first step. */
    public static final float START = -1f;

    private final Linear embedIn;
    private final Linear embedDec;
    private final RecurrentNetworks.LstmLayer encoder;
    private final RecurrentNetworks.LstmLayer decoder;
    private final Linear w1;
    private final Linear w2;
    private final Linear v;
    private final int hidden;

    /** @param hidden state size of encoder and decoder */
    public PointerNetwork(int hidden) {
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be at least 1, got " + hidden);
        }
        this.hidden = hidden;
        embedIn = addChildBlock("embed_in", Linear.builder().setUnits(hidden).build());
        embedDec = addChildBlock("embed_dec", Linear.builder().setUnits(hidden).build());
        encoder = addChildBlock("encoder", new RecurrentNetworks.LstmLayer(
                LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true).optReturnState(true).build()));
        decoder = addChildBlock("decoder", new RecurrentNetworks.LstmLayer(
                LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(true).optReturnState(false).build()));
        w1 = addChildBlock("w1", Linear.builder().setUnits(hidden).optBias(false).build());
        w2 = addChildBlock("w2", Linear.builder().setUnits(hidden).optBias(false).build());
        v = addChildBlock("v", Linear.builder().setUnits(1).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2 || inputs.get(0).getShape().dimension() != 2) {
            throw new IllegalArgumentException("PointerNetwork expects (values (B, n), decoder inputs (B, n)), got " + inputs.getShapes().length
                    + " arrays: " + java.util.Arrays.toString(inputs.getShapes()));
        }
        // excerpt-begin: forward
        NDArray x = inputs.get(0).expandDims(2);
        NDArray dIn = inputs.get(1).expandDims(2);
        NDList enc = encoder.forward(ps, embedIn.forward(ps, new NDList(x), training), training); // out, h, c
        NDArray e = enc.get(0);                                                                     // (B, n, H)
        NDArray d = decoder.forward(ps, new NDList(embedDec.forward(ps, new NDList(dIn), training).head(), enc.get(1), enc.get(2)),
                training).head();                                                                   // (B, m, H)
        NDArray u = scores(ps, e, d, training);                                                     // (B, m, n)
        return new NDList(u.add(pointedMask(inputs.get(0), inputs.get(1))));
        // excerpt-end: forward
    }

    /**
     * The pointer scores {@code u_ij = v^T tanh(W_1 e_j + W_2 d_i)}: additive attention of every decoder step i
     * over every input position j, before the mask and the softmax.
     *
     * @param e encoder states {@code (B, n, H)}
     * @param d decoder states {@code (B, m, H)}
     * @return {@code (B, m, n)}
     */
    // excerpt-begin: scores
    public NDArray scores(ParameterStore ps, NDArray e, NDArray d, boolean training) {
        NDArray a = w1.forward(ps, new NDList(e), training).head().expandDims(1);                 // (B, 1, n, H)
        NDArray b = w2.forward(ps, new NDList(d), training).head().expandDims(2);                 // (B, m, 1, H)
        return v.forward(ps, new NDList(a.add(b).tanh()), training).head().squeeze(3);            // (B, m, n)
    }
    // excerpt-end: scores

    /**
     * The additive mask that forbids pointing twice at the same position: at output step i, input position j is
     * masked ({@code -1e9}) when its value was already fed to the decoder at a step {@code k <= i}, i.e. when
     * it was pointed at before. Applied in training (teacher forcing) and decoding alike, so the model learns
     * the distribution it is used with: a permutation. Assumes distinct input values.
     *
     * @return {@code (B, m, n)}: 0 where allowed, {@code -1e9} where already pointed at
     */
    // excerpt-begin: mask
    public static NDArray pointedMask(NDArray values, NDArray decoderInputs) {
        NDArray fed = decoderInputs.expandDims(2).eq(values.expandDims(1)).toType(DataType.FLOAT32, false); // (B, m, n)
        NDArray pointed = fed.cumSum(1).gt(0).toType(DataType.FLOAT32, false);
        return pointed.mul(org.nnzoo.train.Scalars.of(pointed, -1e9f));
    }
    // excerpt-end: mask

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        Shape one = new Shape(s.get(0), s.get(1), 1);
        Shape h = new Shape(s.get(0), s.get(1), hidden);
        embedIn.initialize(manager, dataType, one);
        embedDec.initialize(manager, dataType, one);
        encoder.initialize(manager, dataType, h);
        decoder.initialize(manager, dataType, h);
        w1.initialize(manager, dataType, h);
        w2.initialize(manager, dataType, h);
        v.initialize(manager, dataType, h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), inputShapes[1].get(1), s.get(1))};
    }

    /**
     * Greedy decoding: at each step feed the values chosen so far, take the most likely position among those
     * not yet chosen.
     *
     * <p>The encoder runs once; step i runs the decoder over the i + 1 inputs fed so far and {@link #scores} only its
     * last state, {@code u_ij = v^T tanh(W_1 e_j + W_2 d_i)} for the n positions. The logits are
     * the bits the whole network gives for row i (the forward with all n decoder inputs, as in training); building
     * the (B, n, n, H) attention of every row at every step made a 1,000-sequence decode of n = 20 hold arrays of
     * 205 MB ({@code PointerNetworkTest} compares the two).
     *
     * @param model  a model whose block is a trained {@link PointerNetwork}
     * @param values {@code values[b][j]}, distinct within a sequence
     * @return the chosen positions, {@code [b][i]}
     */
    public static int[][] decode(Model model, float[][] values) {
        return decode(model, values, null);
    }

    /** {@link #decode(Model, float[][])}, also writing step i's logits of sequence b to {@code logits[b][i]} if given. */
    static int[][] decode(Model model, float[][] values, float[][][] logits) {
        if (!(model.getBlock() instanceof PointerNetwork net)) {
            throw new IllegalArgumentException("decode needs a model whose block is a PointerNetwork, got "
                    + (model.getBlock() == null ? "no block" : model.getBlock().getClass().getSimpleName()));
        }
        int batch = values.length;
        int n = values[0].length;
        int[][] out = new int[batch][n];
        boolean[][] used = new boolean[batch][n];
        float[] x = new float[batch * n];
        float[][] fed = new float[batch][n];  // the decoder's inputs: START, then the values chosen so far
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values[b], 0, x, b * n, n);
            fed[b][0] = START;
        }
        try (NDManager sub = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDList enc = net.encoder.forward(ps, net.embedIn.forward(ps,
                    new NDList(sub.create(x, new Shape(batch, n)).expandDims(2)), false), false);     // out, h, c
            for (int i = 0; i < n; i++) {
                float[] dec = new float[batch * (i + 1)];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(fed[b], 0, dec, b * (i + 1), i + 1);
                }
                float[] u;
                try (NDManager step = sub.newSubManager()) {
                    NDArray e = enc.get(0);
                    e.tempAttach(step); // the step's arrays from e (W_1 e, the scores) in step, freed with it
                    NDArray dIn = step.create(dec, new Shape(batch, i + 1)).expandDims(2);
                    NDArray d = net.decoder.forward(ps, new NDList(net.embedDec.forward(ps, new NDList(dIn), false).head(),
                            enc.get(1), enc.get(2)), false).head();                                  // (B, i + 1, H)
                    NDArray last = d.get(new NDIndex(":, -1:, :"));                                  // (B, 1, H)
                    u = net.scores(ps, e, last, false).toFloatArray();                      // (B, 1, n)
                }
                for (int b = 0; b < batch; b++) {
                    int best = -1;
                    for (int j = 0; j < n; j++) {
                        if (!used[b][j] && (best < 0 || u[b * n + j] > u[b * n + best])) {
                            best = j;
                        }
                    }
                    if (logits != null) {
                        logits[b][i] = java.util.Arrays.copyOfRange(u, b * n, (b + 1) * n);
                    }
                    out[b][i] = best;
                    used[b][best] = true;
                    if (i + 1 < n) {
                        fed[b][i + 1] = values[b][best];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The pointer distributions of one sequence: row i is {@code softmax_j(u_ij)}, the attention of output step
     * i over the input positions, with the decoder fed the values at {@code chosen} (e.g. from {@link #decode}).
     */
    public static double[][] pointerMatrix(Model model, float[] values, int[] chosen) {
        int n = values.length;
        float[] dec = new float[n];
        dec[0] = START;
        for (int i = 1; i < n; i++) {
            dec[i] = values[chosen[i - 1]];
        }
        float[] p;
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDList in = new NDList(sub.create(values, new Shape(1, n)), sub.create(dec, new Shape(1, n)));
            p = model.getBlock().forward(new ParameterStore(sub, false), in, false).head().softmax(-1).toFloatArray();
        }
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = p[i * n + j];
            }
        }
        return m;
    }

    /** @return the positions that sort {@code values} ascending (the target of the sorting task) */
    public static int[] argsort(float[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (p, q) -> Float.compare(values[p], values[q]));
        return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /**
     * @return {@code count} sequences of {@code n} distinct numbers uniform in [0, 1), from {@code seed} (a value
     *         that repeats one earlier in its sequence, about once in 400,000 sequences of 10 floats, is drawn
     *         again: the sorting target and the pointer mask need distinct values)
     */
    public static float[][] randomSequences(int count, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] s = new float[count][n];
        for (float[] row : s) {
            for (int j = 0; j < n; j++) {
                boolean repeated;
                do {
                    row[j] = (float) rnd.nextDouble();
                    repeated = false;
                    for (int k = 0; k < j && !repeated; k++) {
                        repeated = row[k] == row[j];
                    }
                } while (repeated);
            }
        }
        return s;
    }

    /**
     * The sorting task as training batches: each epoch {@code batches} batches of fresh random sequences from
     * {@code seed + epoch}; inputs (values, teacher-forced decoder inputs), labels the sorting positions.
     */
    public static BatchSource sortingTask(int n, int batchSize, int batches, long seed) {
        if (n < 2 || batchSize < 1 || batches < 1) {
            throw new IllegalArgumentException("need n >= 2, batchSize >= 1, batches >= 1; got " + n + ", " + batchSize + ", " + batches);
        }
        return BatchSource.sequencePairs(batches, batchSize, n, epoch -> (b, x, dec, y) -> {
            float[][] seqs = randomSequences(batchSize, n, seed * 1_000_003L + (long) epoch * batches + b);
            for (int i = 0; i < batchSize; i++) {
                int[] order = argsort(seqs[i]);
                for (int t = 0; t < n; t++) {
                    x[i * n + t] = seqs[i][t];
                    y[i * n + t] = order[t];
                    dec[i * n + t] = t == 0 ? START : seqs[i][order[t - 1]];
                }
            }
        });
    }
}

package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.RecurrentNetworks.Kind;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/** The hand-written cells equal DJL's built-in recurrent layers given the same weights. */
class RecurrentCellTest {

    private static final double TOL = 1e-5;

    private static Parameter builtInParam(Block b, String suffix) {
        return b.getParameters().stream().filter(p -> p.getKey().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no parameter *" + suffix + " in " + b.getParameters().keys()))
                .getValue();
    }

    private static double maxDiff(NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    private static void check(Kind kind) {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(3, 7, 5);
            RecurrentCell cell = kind == Kind.RNN ? new RnnCell(4) : kind == Kind.GRU ? new GruCell(4) : new LstmCell(4);
            Block builtIn = RecurrentNetworks.recurrent(kind, 4, 1, false);
            cell.initialize(m, DataType.FLOAT32, in);
            builtIn.initialize(m, DataType.FLOAT32, in);
            for (String name : RecurrentCell.PARAMETERS) { // the built-in layer gets the cell's weights
                NDArray src = builtInParam(cell, name).getArray();
                NDArray dst = builtInParam(builtIn, name).getArray();
                assertEquals(src.getShape(), dst.getShape(), name);
                dst.set(FloatBuffer.wrap(src.toFloatArray()));
            }
            NDArray x = m.randomNormal(in);
            NDArray weights = m.randomNormal(new Shape(3, 7, 4)); // loss = sum(weights * outputs): every step counts
            NDArray[] outs = new NDArray[2];
            NDArray[] xGrads = new NDArray[2];
            Block[] blocks = {cell, builtIn};
            for (int k = 0; k < 2; k++) {
                NDArray xi = x.duplicate();
                xi.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = blocks[k].forward(new ParameterStore(m, false), new NDList(xi), true).head();
                    outs[k] = out.duplicate();
                    gc.backward(out.mul(weights).sum());
                }
                xGrads[k] = xi.getGradient().duplicate();
            }
            assertTrue(maxDiff(outs[0], outs[1]) < TOL, kind + " forward differs by " + maxDiff(outs[0], outs[1]));
            assertTrue(maxDiff(xGrads[0], xGrads[1]) < TOL, kind + " input gradient differs by " + maxDiff(xGrads[0], xGrads[1]));
            for (String name : RecurrentCell.PARAMETERS) {
                NDArray g0 = builtInParam(cell, name).getArray().getGradient();
                NDArray g1 = builtInParam(builtIn, name).getArray().getGradient();
                assertTrue(g0.abs().sum().getFloat() > 0, kind + " " + name + " has a zero gradient");
                assertTrue(maxDiff(g0, g1) < TOL, kind + " gradient of " + name + " differs by " + maxDiff(g0, g1));
            }
        }
    }

    @Test
    void rnnCellEqualsBuiltIn() {
        check(Kind.RNN);
    }

    @Test
    void gruCellEqualsBuiltIn() {
        check(Kind.GRU);
    }

    @Test
    void lstmCellEqualsBuiltIn() {
        check(Kind.LSTM);
    }

    @Test
    void lstmCellStepMatchesEquationsOnNumbers() {
        // one unit, one input, hand-computed: all weights 0.5, biases 0, x = 1, h = c = 0
        try (NDManager m = NDManager.newBaseManager()) {
            LstmCell cell = new LstmCell(1);
            NDList w = new NDList(m.full(new Shape(4, 1), 0.5f), m.full(new Shape(4, 1), 0.5f), m.zeros(new Shape(4)), m.zeros(new Shape(4)));
            NDList s = cell.step(m.ones(new Shape(1, 1)), new NDList(m.zeros(new Shape(1, 1)), m.zeros(new Shape(1, 1))), w);
            double sig = 1 / (1 + Math.exp(-0.5));
            double c = sig * Math.tanh(0.5);
            assertEquals(c, s.get(1).getFloat(), 1e-6);
            assertEquals(sig * Math.tanh(c), s.get(0).getFloat(), 1e-6);
        }
    }

    @Test
    void badInputIsNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            RnnCell cell = new RnnCell(3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cell.initialize(m, DataType.FLOAT32, new Shape(2, 5)));
            assertTrue(e.getMessage().contains("(batch, time, features)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new GruCell(0));
    }
}

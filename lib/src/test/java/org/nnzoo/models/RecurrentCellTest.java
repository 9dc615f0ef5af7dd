package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;
import org.nnzoo.models.RecurrentNetworks.Kind;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The hand-written cells equal DJL's built-in recurrent layers given the same weights. */
class RecurrentCellTest {

    private static final double TOL = 1e-5;

    private static void check(Kind kind) {
        double[] d = RecurrentNetworks.compareWithBuiltIn(kind, 3, 7, 5, 4, 3);
        assertTrue(d[0] < TOL, kind + " forward differs by " + d[0]);
        assertTrue(d[1] < TOL, kind + " gradients differ by " + d[1]);
        assertTrue(d[0] >= 0 && d[1] >= 0);
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

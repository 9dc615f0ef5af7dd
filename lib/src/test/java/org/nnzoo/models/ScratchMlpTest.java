package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.Evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;

/** The hand-written backward pass must equal DJL's autograd on the same weights. */
class ScratchMlpTest {

    private static NDArray matrix(NDManager m, double[][] a) {
        double[] flat = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, flat, i * a[0].length, a[0].length);
        }
        return m.create(flat, new ai.djl.ndarray.types.Shape(a.length, a[0].length));
    }

    private static void assertClose(double[][] expected, NDArray actual) {
        double[] got = actual.toDoubleArray();
        int cols = expected[0].length;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(got[i * cols + j], expected[i][j], 1e-10, "at [" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void gradientsMatchAutograd() {
        ScratchMlp net = new ScratchMlp(3, 5, 4, 7);
        ScratchMlp.Spiral s = ScratchMlp.spiral(6, 4, 0.2, 1);
        double[][] x = new double[s.x().length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {s.x()[i][0], s.x()[i][1], s.x()[i][0] * s.x()[i][1]};
        }
        // non-zero biases so their gradients are exercised
        net.b1[2] = 0.3;
        net.b2[1] = -0.2;
        double loss = net.lossAndGradients(x, s.y());

        try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice())) {
            NDArray w1 = matrix(m, net.w1);
            NDArray w2 = matrix(m, net.w2);
            NDArray b1 = m.create(net.b1);
            NDArray b2 = m.create(net.b2);
            for (NDArray p : new NDArray[] {w1, w2, b1, b2}) {
                p.setRequiresGradient(true);
            }
            NDArray xs = matrix(m, x);
            NDArray ys = m.create(s.y()).toType(ai.djl.ndarray.types.DataType.INT64, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = xs.matMul(w1).add(b1).tanh();
                NDArray logp = h.matMul(w2).add(b2).logSoftmax(1);
                NDArray l = logp.gather(ys.reshape(-1, 1), 1).mean().neg();
                assertEquals(l.getDouble(), loss, 1e-12);
                gc.backward(l);
            }
            assertClose(net.dw1, w1.getGradient());
            assertClose(net.dw2, w2.getGradient());
            assertClose(new double[][] {net.db1}, b1.getGradient().reshape(1, -1));
            assertClose(new double[][] {net.db2}, b2.getGradient().reshape(1, -1));
        }
    }

    @Test
    void libraryAutogradCheckAgrees() {
        ScratchMlp.Spiral s = ScratchMlp.spiral(10, 3, 0.2, 2);
        ScratchMlp net = new ScratchMlp(2, 7, 3, 5);
        assertTrue(net.maxGradientErrorVsAutograd(s.x(), s.y()) < 1e-10);
    }

    @Test
    void learnsTheSpiral() {
        ScratchMlp.Spiral s = ScratchMlp.spiral(100, 3, 0.2, 3);
        ScratchMlp net = new ScratchMlp(2, 50, 3, 1);
        double[] losses = net.train(s.x(), s.y(), 3000, 1.0);
        double acc = Evaluation.accuracy(s.y(), net.predict(s.x()));
        assertTrue(losses[losses.length - 1] < losses[0] / 3, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
        assertTrue(acc > 0.9, "spiral accuracy " + acc);
    }
}

package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;

class StdpTest {

    private static ImageSet slice(Mnist.Split split) {
        return Slice.load(split);
    }


    private static boolean[][] train(int steps, int at) {
        boolean[][] s = new boolean[steps][1];
        s[at][0] = true;
        return s;
    }

    @Test
    void preBeforePostPotentiatesPostBeforePreDepresses() {
        Stdp.Rule r = Stdp.Rule.standard();
        for (int dt = 1; dt <= 6; dt++) {
            double ltp = Stdp.traceRule(r, train(20, 5), train(20, 5 + dt))[0][0];
            double ltd = Stdp.traceRule(r, train(20, 5 + dt), train(20, 5))[0][0];
            assertTrue(ltp > 0, "pre " + dt + " steps before post must strengthen, got " + ltp);
            assertTrue(ltd < 0, "post " + dt + " steps before pre must weaken, got " + ltd);
            assertEquals(r.aPlus() * Math.exp(-dt / r.tauPlus()), ltp, 1e-12);
            assertEquals(-r.aMinus() * Math.exp(-dt / r.tauMinus()), ltd, 1e-12);
            assertEquals(Stdp.pairChange(r, dt), ltp, 1e-12);
            assertEquals(Stdp.pairChange(r, -dt), ltd, 1e-12);
        }
        // the closer the pair, the larger the change
        assertTrue(Stdp.pairChange(r, 1) > Stdp.pairChange(r, 5));
        assertTrue(Stdp.pairChange(r, -1) < Stdp.pairChange(r, -5));
    }

    @Test
    void unsupervisedLayerSeparatesZerosFromOnes() {
        ImageSet train = slice(Mnist.Split.TRAIN).filter(0, 1);
        ImageSet test = slice(Mnist.Split.TEST).filter(0, 1);
        Stdp layer = new Stdp(784, 6, Stdp.Rule.standard(), 11).dynamics(0.9, 20, 0.3, 0.25);
        double[] before = layer.weights(0);
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < train.count(); i++) {
                layer.present(train.image(i), 50, true);
            }
        }
        int[][] resp = new int[train.count()][];
        for (int i = 0; i < train.count(); i++) {
            resp[i] = layer.present(train.image(i), 50, false);
        }
        int[] cls = Stdp.assignClasses(resp, train.labels(), 2);
        int ok = 0;
        for (int i = 0; i < test.count(); i++) {
            if (Stdp.predict(layer.present(test.image(i), 50, false), cls, 2) == test.label(i)) {
                ok++;
            }
        }
        double acc = ok / (double) test.count();
        assertTrue(acc > 0.9, "0-vs-1 accuracy of the STDP layer's neuron labels: " + acc);
        double change = 0;
        double[] after = layer.weights(0);
        for (int i = 0; i < 784; i++) {
            change += Math.abs(after[i] - before[i]);
            assertTrue(after[i] >= 0 && after[i] <= 1, "weights stay in [0, wMax]");
        }
        assertTrue(change > 1, "weights must move, total |dw| = " + change);
    }
}

package org.nnzoo.models.ndp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.RlLoop;

class LndpTest {

    static double[][] states(Lndp.Network net) {
        double[][] s = new double[net.program().nodes()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = net.state(i);
        }
        return s;
    }

    static boolean[][] edges(Lndp.Network net) {
        int n = net.program().nodes();
        boolean[][] e = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e[i][j] = net.hasEdge(i, j);
            }
        }
        return e;
    }

    @Test
    void gatedUpdateMixesTheOldValueAndTheCandidateByTheGate() {
        double[] v = {0.5, -1, 2};
        // gate weights, gate bias, candidate weights, candidate bias
        double[] p = {0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, -0.8};
        double z = Lndp.sigmoid(0.1 * 0.5 - 0.2 - 0.6 + 0.4);
        double c = Math.tanh(0.5 * 0.5 + 0.6 + 1.4 - 0.8);
        assertEquals((1 - z) * 0.3 + z * c, Lndp.gatedUpdate(0.3, p, 0, 4, v, 3), 1e-12);
        // a closed gate keeps the old value, an open one takes the candidate
        double[] closed = {0, 0, 0, -800, 1, 1, 1, 0};
        assertEquals(0.3, Lndp.gatedUpdate(0.3, closed, 0, 4, v, 3), 0);
        double[] open = {0, 0, 0, 800, 1, 1, 1, 0};
        assertEquals(Math.tanh(1.5), Lndp.gatedUpdate(0.3, open, 0, 4, v, 3), 1e-12);
    }

    @Test
    void genomeSize() {
        assertEquals(202, new Lndp().genomeSize());
        assertThrows(IllegalArgumentException.class, () -> new Lndp().newborn(new double[5], 0));
    }

    @Test
    void plasticityOffLeavesWeightsUnchanged() {
        Lndp lndp = new Lndp();
        for (long s = 0; s < 5; s++) {
            double[] g = NdpTest.randomGenome(lndp.genomeSize(), s);
            Lndp.Network net = lndp.newborn(g, s).plastic(false);
            double[][] w0 = net.weights();
            boolean[][] e0 = edges(net);
            double[][] h0 = states(net);
            Episodes.run(new CartPole(), net, 3, s, null);
            for (int i = 0; i < w0.length; i++) {
                assertArrayEquals(w0[i], net.weights()[i], 0.0, "weights unchanged");
                assertArrayEquals(e0[i], edges(net)[i], "edges unchanged");
                assertArrayEquals(h0[i], states(net)[i], 0.0, "node states unchanged");
            }
            assertEquals(0, net.updates());
        }
    }

    @Test
    void plasticityOnChangesTheNetworkWithinTheAllowedEdges() {
        Lndp lndp = new Lndp();
        int changed = 0;
        for (long s = 0; s < 5; s++) {
            double[] g = NdpTest.randomGenome(lndp.genomeSize(), 10 + s);
            Lndp.Network net = lndp.newborn(g, s);
            double[][] w0 = net.weights();
            double[] r = Episodes.run(new CartPole(), net, 3, s, null);
            assertEquals((long) Arrays.stream(r).sum(), net.updates(), "one update per environment step");
            boolean differs = false;
            for (int i = 0; i < w0.length; i++) {
                differs |= !Arrays.equals(w0[i], net.weights()[i]);
                for (int j = 0; j < w0.length; j++) {
                    if (net.hasEdge(i, j)) {
                        assertTrue(lndp.allowed(i, j), "edge " + i + " -> " + j + " outside the reservoir mask");
                        assertTrue(Math.abs(net.weight(i, j)) <= 1, "weights stay in [-1, 1]");
                    }
                }
            }
            changed += differs ? 1 : 0;
        }
        assertTrue(changed >= 4, "plastic networks change their weights: " + changed + " of 5");
    }

    @Test
    void spontaneousActivityShapesTheNetworkBeforeAnyEpisode() {
        Lndp lndp = new Lndp();
        double[] g = NdpTest.randomGenome(lndp.genomeSize(), 21);
        Lndp.Network a = lndp.newborn(g, 3);
        Lndp.Network b = lndp.newborn(g, 3);
        assertArrayEquals(a.weights()[5], b.weights()[5], 0.0, "same seed, same newborn");
        b.plastic(false).spontaneousActivity();
        assertEquals(lndp.config().devSteps, b.updates(), "the rules run in the spontaneous phase even without lifetime plasticity");
        boolean differs = !Arrays.deepEquals(states(a), states(b));
        assertTrue(differs, "the spontaneous phase changed the node states");

        Lndp.Config none = new Lndp.Config();
        none.devSteps = 0;
        Lndp.Network c = new Lndp(none).newborn(g, 3).spontaneousActivity();
        assertEquals(0, c.updates());
        assertArrayEquals(a.weights()[5], c.weights()[5], 0.0);
    }

    @Test
    void lifetimesAreDeterministicForASeed() {
        Lndp lndp = new Lndp();
        LndpCartPole task = new LndpCartPole(lndp, 3, 2, 1);
        double[] g = NdpTest.randomGenome(lndp.genomeSize(), 8);
        assertArrayEquals(task.lifetime(g, 77, 4, true, true), task.lifetime(g, 77, 4, true, true), 0.0);
        assertEquals(task.fitness(g, 5), task.fitness(g, 5), 0.0);
        assertFalse(lndp.allowed(0, 1) || lndp.allowed(0, lndp.nodes() - 1) || lndp.allowed(5, 5));
        assertTrue(lndp.allowed(0, 4) && lndp.allowed(4, 5) && lndp.allowed(4, lndp.nodes() - 1));
    }
}

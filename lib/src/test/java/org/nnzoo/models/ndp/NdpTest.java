package org.nnzoo.models.ndp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.RlLoop;
import org.nnzoo.train.ParallelPopulation;

class NdpTest {

    static double[] randomGenome(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = 2 * r.nextDouble() - 1;
        }
        return g;
    }

    /** A genome whose growth network always says "replicate": every node has a child at every step. */
    static double[] alwaysGrows(Ndp ndp) {
        double[] g = randomGenome(ndp.genomeSize(), 1);
        int d = ndp.config().stateSize;
        int h = ndp.config().hidden;
        int growth = d;                                  // the growth MLP follows the first cell's state
        Arrays.fill(g, growth, growth + TinyMlp.size(d, h, 1), 0.0);
        g[growth + TinyMlp.size(d, h, 1) - 1] = 3.0;    // its output bias: g(s) = tanh(3) > 0 for every s
        return g;
    }

    @Test
    void genomeSizeIsThePapers() {
        // d + growth (5-5-1) + transform (5-5-5) + weight (10-5-1) = 5 + 36 + 60 + 61
        assertEquals(162, new Ndp().genomeSize());
        assertEquals(32, new Ndp().maxNodes());
        assertThrows(IllegalArgumentException.class, () -> new Ndp().develop(new double[3]));
    }

    @Test
    void growthIsDeterministic() {
        Ndp ndp = new Ndp();
        for (long s = 0; s < 20; s++) {
            double[] g = randomGenome(ndp.genomeSize(), s);
            Ndp.Development a = ndp.develop(g);
            Ndp.Development b = ndp.develop(g.clone());
            assertEquals(a.steps().size(), b.steps().size());
            for (int k = 0; k < a.steps().size(); k++) {
                assertSameGraph(a.steps().get(k), b.steps().get(k));
            }
        }
    }

    static void assertSameGraph(DevGraph a, DevGraph b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.state(i), b.state(i), 0.0);
            assertEquals(a.parent(i), b.parent(i));
            for (int j = 0; j < a.size(); j++) {
                assertEquals(a.hasEdge(i, j), b.hasEdge(i, j));
                assertEquals(a.weight(i, j), b.weight(i, j), 0.0);
            }
        }
    }

    @Test
    void grownGraphInvariants() {
        Ndp ndp = new Ndp();
        int usable = 0;
        for (long s = 0; s < 300; s++) {
            Ndp.Development dev = ndp.develop(randomGenome(ndp.genomeSize(), 1000 + s));
            int previous = 0;
            for (int k = 0; k < dev.steps().size(); k++) {
                DevGraph g = dev.steps().get(k);
                assertTrue(g.connected(), "connected after step " + k);
                assertTrue(g.size() >= Math.max(1, previous) && g.size() <= Math.max(1, 2 * previous),
                        "a node replicates at most once per step: " + previous + " -> " + g.size());
                assertTrue(g.size() <= 1 << k, "at most 2^step nodes");
                assertTrue(g.hasEdge(0, 0), "the first cell keeps its self-loop");
                for (int i = 1; i < g.size(); i++) {
                    assertFalse(g.hasEdge(i, i), "only the first cell has a self-loop");
                    assertTrue(g.parent(i) >= 0 && g.parent(i) < i, "parents are older");
                    assertTrue(g.hasEdge(i, g.parent(i)), "a node is joined to its parent");
                    for (int j = 0; j < g.size(); j++) {
                        assertEquals(g.weight(i, j), g.weight(j, i), 0.0, "undirected: one weight per edge");
                        if (k > 0 && g.hasEdge(i, j)) {
                            assertTrue(Math.abs(g.weight(i, j)) < 1, "weights come from omega's tanh");
                        }
                    }
                }
                previous = g.size();
            }
            DevGraph last = dev.last();
            assertTrue(last.size() <= ndp.maxNodes());
            GrownPolicy p = ndp.policy(last);
            if (last.size() >= ndp.minNodes()) {
                usable++;
                assertNotNull(p);
                assertEquals(last.size(), p.nodes(), "inputs 0..3 and the two outputs are nodes of the graph");
                assertEquals(last.diameter() + ndp.config().extraPolicySteps, p.stepsPerAction());
                p.startEpisode();
                int a = p.act(new double[] {0.01, -0.02, 0.03, 0.04});
                assertTrue(a == 0 || a == 1);
            } else {
                assertNull(p, "fewer nodes than inputs + outputs: no policy");
            }
        }
        assertTrue(usable > 50, "many random genomes grow usable networks: " + usable);
    }

    @Test
    void replicationWiresAChildToItsParentsClosedNeighbourhood() {
        Ndp ndp = new Ndp();
        Ndp.Development dev = ndp.develop(alwaysGrows(ndp));
        int[] sizes = dev.steps().stream().mapToInt(DevGraph::size).toArray();
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32}, sizes);
        DevGraph two = dev.steps().get(1);
        assertTrue(two.hasEdge(0, 1));
        assertEquals(2, two.edgeCount(), "the self-loop and 0-1");
        DevGraph four = dev.steps().get(2);
        // N(0) and 0 = {0, 1} = N(1) and 1: both children join 0 and 1, not each other (born in the same step)
        assertArrayEquals(new int[] {0, 1}, new int[] {four.parent(2) == 0 ? 0 : 1, four.parent(3)});
        for (int child : new int[] {2, 3}) {
            assertTrue(four.hasEdge(child, 0) && four.hasEdge(child, 1));
        }
        assertFalse(four.hasEdge(2, 3));
        // a child's state is the mean of its neighbourhood's states at its birth: node 1 is a copy of node 0
        Ndp.Config c = ndp.config();
        double[] g = alwaysGrows(ndp);
        DevGraph one = new DevGraph(c.stateSize, 32);
        one.addNode(Arrays.copyOf(g, c.stateSize), -1, 0);
        one.connect(0, 0, c.initialSelfLoop);
        TinyMlp transform = new TinyMlp(g, c.stateSize + TinyMlp.size(c.stateSize, c.hidden, 1), c.stateSize, c.hidden, c.stateSize);
        Ndp.messagePassing(one, transform, c.extraGrowthSteps);
        double[] before = one.state(0).clone();
        Ndp.replicate(one, new TinyMlp(g, c.stateSize, c.stateSize, c.hidden, 1), 1);
        assertArrayEquals(before, one.state(1), 0.0);
    }

    @Test
    void messagePassingIsTransformOfWeightedSum() {
        Ndp ndp = new Ndp();
        double[] g = randomGenome(ndp.genomeSize(), 3);
        int d = 5;
        DevGraph graph = new DevGraph(d, 4);
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 3; i++) {
            graph.addNode(new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble()}, i - 1, i);
        }
        graph.connect(0, 0, 0.5);
        graph.connect(0, 1, -0.7);
        graph.connect(1, 2, 0.3);
        double[][] s = {graph.state(0).clone(), graph.state(1).clone(), graph.state(2).clone()};
        TinyMlp f = new TinyMlp(g, d + TinyMlp.size(d, 5, 1), d, 5, d);
        Ndp.messagePassing(graph, f, 1);
        double[][] m = new double[3][d];
        for (int k = 0; k < d; k++) {
            m[0][k] = 0.5 * s[0][k] - 0.7 * s[1][k];
            m[1][k] = -0.7 * s[0][k] + 0.3 * s[2][k];
            m[2][k] = 0.3 * s[1][k];
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(f.apply(m[i]), graph.state(i), 1e-15);
        }
    }

    @Test
    void grownPolicyPropagatesAndHoldsTheInputs() {
        // 6 nodes: inputs 0..3 joined to outputs 4 and 5; a linear controller on theta and theta'
        DevGraph g = new DevGraph(1, 6);
        for (int i = 0; i < 6; i++) {
            g.addNode(new double[] {0}, i - 1, i);
        }
        g.connect(2, 5, 1.0);
        g.connect(3, 5, 1.0);
        g.connect(2, 4, -1.0);
        g.connect(3, 4, -1.0);
        g.connect(0, 4, 0.0);
        g.connect(1, 4, 0.0);
        GrownPolicy p = new GrownPolicy(g, 4, 2, 2);
        p.startEpisode();
        double[] obs = {0.1, 0.2, 0.03, 0.4};
        int a = p.act(obs);
        double[] x = p.activity();
        assertArrayEquals(obs, Arrays.copyOf(x, 4), 0.0, "inputs held at the observation");
        // step 1: x4 = tanh(-0.43), x5 = tanh(0.43); step 2: outputs get the same from the held inputs
        assertEquals(Math.tanh(-0.43), x[4], 1e-15);
        assertEquals(Math.tanh(0.43), x[5], 1e-15);
        assertEquals(1, a, "push right when the pole falls right");
        double[] r = Episodes.run(new CartPole(), p, 20, 5, null);
        assertTrue(RlLoop.mean(r) > 100, "theta + theta' balances for a while: " + Arrays.toString(r));
    }

    @Test
    void parallelAndSerialEvaluationGiveIdenticalFitness() {
        Ndp ndp = new Ndp();
        NdpCartPole task = new NdpCartPole(ndp, 3, 3, 9);
        double[][] pop = new double[24][];
        long[] seeds = new long[pop.length];
        for (int k = 0; k < pop.length; k++) {
            pop[k] = randomGenome(ndp.genomeSize(), 50 + k);
            seeds[k] = ParallelPopulation.seed(11, 0, k);
        }
        double[] serial;
        try (ParallelPopulation one = new ParallelPopulation(1)) {
            serial = one.evaluate(pop, task::fitness, seeds);
        }
        for (int threads : new int[] {2, 3, 8}) {
            try (ParallelPopulation many = new ParallelPopulation(threads)) {
                assertArrayEquals(serial, many.evaluate(pop, task::fitness, seeds), 0.0, threads + " threads");
            }
        }
        assertTrue(Arrays.stream(serial).distinct().count() > 3, "the population's fitness values differ");
    }

    @Test
    void evolutionIsTheSameForAnyNumberOfThreads() {
        Evolution.Result[] runs = new Evolution.Result[2];
        int[] threads = {1, 3};
        for (int k = 0; k < 2; k++) {
            Evolution.Config c = new Evolution.Config();
            c.population = 12;
            c.generations = 4;
            c.checkEvery = 2;
            c.threads = threads[k];
            c.seed = 5;
            runs[k] = Evolution.run(new NdpCartPole(new Ndp(), 2, 2, 3), c, "test");
        }
        assertArrayEquals(runs[0].best, runs[1].best, 0.0);
        assertArrayEquals(runs[0].mean, runs[1].mean, 0.0);
        assertArrayEquals(runs[0].sigma, runs[1].sigma, 0.0);
        assertArrayEquals(runs[0].envSteps, runs[1].envSteps);
        assertArrayEquals(runs[0].bestGenome, runs[1].bestGenome, 0.0);
        assertArrayEquals(runs[0].finalMean, runs[1].finalMean, 0.0);
        assertEquals(2, runs[0].checks.size());
    }

    @Test
    void evolutionSolvesCartPoleFromAGoodStart() {
        // the paper's settings (population 64, sigma0 0.1, elitist CMA-ES, 10 episodes per fitness); the start
        // point of seed 13 is one of those from which evolution solves the task quickly (about 3 in 10 do within
        // 40 generations): this checks that the whole pipeline can solve it, not how often
        Evolution.Config c = new Evolution.Config();
        c.population = 64;
        c.elitist = true;
        c.generations = 60;
        c.checkEvery = 5;
        c.stopAt = 500;
        c.threads = 2;
        c.seed = 13;
        NdpCartPole task = new NdpCartPole(new Ndp(), 10, 20, 777);
        Evolution.Result r = Evolution.run(task, c, "test");
        assertTrue(r.mean[r.mean.length - 1] > r.mean[0] + 20, "the population's mean fitness rises: " + Arrays.toString(r.mean));
        assertTrue(r.bestValidation >= 475, "solved on the validation episodes: " + r);
        assertTrue(RlLoop.mean(task.evaluate(r.bestGenome, 100, 12345)) >= 475, "and on 100 test episodes");
    }
}

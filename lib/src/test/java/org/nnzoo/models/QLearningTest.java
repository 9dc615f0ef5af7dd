package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.Env;
import org.nnzoo.rl.EpisodeLog;
import org.nnzoo.rl.LinearSchedule;
import org.nnzoo.rl.RlLoop;

class QLearningTest {

    static QLearning.Bins oneDim(int n) {
        return new QLearning.Bins(new double[] {0}, new double[] {n}, new int[] {n});
    }

    @Test
    void updateIsTheQLearningRule() {
        QLearning q = new QLearning(oneDim(3), 2, LinearSchedule.constant(0.5), 0.9, LinearSchedule.constant(0), 1);
        // Q(2, 1) <- 0 + 0.5 (4 + 0.9 * 0 - 0) = 2
        assertEquals(4.0, q.update(2, 1, 4, 0, false), 1e-12);
        assertEquals(2.0, q.value(2, 1), 1e-12);
        // Q(0, 0) <- 0 + 0.5 (1 + 0.9 * max(Q(2, .)) - 0) = 0.5 (1 + 1.8) = 1.4
        assertEquals(2.8, q.update(0, 0, 1, 2, false), 1e-12);
        assertEquals(1.4, q.value(0, 0), 1e-12);
        // terminal: no bootstrapping. Q(1, 0) <- 0.5 (1 - 0) = 0.5 even though Q(2, .) is 2
        q.update(1, 0, 1, 2, true);
        assertEquals(0.5, q.value(1, 0), 1e-12);
        assertEquals(1, q.greedy(2));
        assertEquals(3, q.visitedPairs());
    }

    @Test
    void aFallOnTheTimeLimitsStepIsNotBootstrapped() {
        // CartPole (as Gymnasium) reports terminated AND truncated when the pole falls on step 500
        QLearning q = new QLearning(oneDim(3), 2, LinearSchedule.constant(0.5), 0.9, LinearSchedule.constant(0), 1);
        q.update(2, 1, 4, 0, false); // Q(2, 1) = 2
        q.observe(new double[] {1.5}, 0, new Env.Step(new double[] {2.5}, 1, true, true));
        assertEquals(0.5, q.value(1, 0), 1e-12, "terminated + truncated: target r, no bootstrap");
        q.observe(new double[] {0.5}, 1, new Env.Step(new double[] {2.5}, 1, false, true));
        assertEquals(0.5 * (1 + 0.9 * 2), q.value(0, 1), 1e-12, "truncated only: bootstraps from s'");
    }

    @Test
    void binsClipAndIndexRowMajor() {
        QLearning.Bins b = new QLearning.Bins(new double[] {-1, 0}, new double[] {1, 10}, new int[] {2, 5});
        assertEquals(10, b.states());
        assertEquals(0, b.index(new double[] {-5, -5}));
        assertEquals(9, b.index(new double[] {5, 50}));
        assertEquals(1 * 5 + 2, b.index(new double[] {0.5, 4.5}));
        assertThrows(IllegalArgumentException.class, () -> b.index(new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new QLearning.Bins(new double[] {1}, new double[] {0}, new int[] {2}));
    }

    @Test
    void learnsToBalanceFarBetterThanChance() {
        // a random policy lasts about 22 steps on average
        double[] random = RlLoop.evaluate(new CartPole(), o -> (int) (Math.random() * 2), 100, 1);
        assertTrue(RlLoop.mean(random) < 40, "random policy: " + RlLoop.mean(random));
        QLearning agent = QLearningTest.cartPoleAgent(500_000, 3);
        EpisodeLog log = RlLoop.train(new CartPole(), agent, 500_000, 3, "q-learning");
        double greedy = RlLoop.mean(RlLoop.evaluate(new CartPole(), agent, 100, 1000));
        System.out.printf("tabular Q-learning: %d episodes, last-100 training mean %.1f, greedy mean %.1f%n",
                log.episodes(), log.meanOfLast(100), greedy);
        assertTrue(greedy > 150, "greedy mean return " + greedy);
        // same seed, same agent
        QLearning again = QLearningTest.cartPoleAgent(500_000, 3);
        RlLoop.train(new CartPole(), again, 500_000, 3, "q-learning");
        assertEquals(greedy, RlLoop.mean(RlLoop.evaluate(new CartPole(), again, 100, 1000)));
    }

    static QLearning cartPoleAgent(long steps, long seed) {
        QLearning.Bins bins = new QLearning.Bins(new double[] {-2.4, -3, -0.21, -3.5}, new double[] {2.4, 3, 0.21, 3.5},
                new int[] {1, 6, 8, 10});
        return new QLearning(bins, 2, new LinearSchedule(0.3, 0.02, steps), 0.99, new LinearSchedule(1.0, 0.01, steps / 2), seed);
    }
}

package org.nnzoo.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CartPoleTest {

    /*
     * Step-by-step agreement with Gymnasium's CartPole-v1 itself (every observation bit, reward and flag over
     * thousands of steps) is CartPoleGymnasiumTest; these are the physics and API checks that need no python.
     */

    @Test
    void firstStepByHand() {
        // from rest, push right: temp = 10/1.1, thetaAcc = -temp / (0.5 (4/3 - 0.1/1.1)), xAcc = temp - 0.05 thetaAcc / 1.1
        double temp = 10 / 1.1;
        double thetaAcc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
        double xAcc = temp - 0.05 * thetaAcc / 1.1;
        double[] s = {0, 0, 0, 0};
        CartPole.dynamics(s, 1);
        assertArrayEquals(new double[] {0, 0.02 * xAcc, 0, 0.02 * thetaAcc}, s, 1e-15);
        assertEquals(0.1951219512195122, s[1], 1e-12); // 0.02 * 9.7561
        assertEquals(-0.2926829268292683, s[3], 1e-12);
    }

    @Test
    void pushingRightFromRestTerminatesOnTheAngleAfterNineSteps() {
        CartPole env = new CartPole();
        env.setState(new double[4]);
        Env.Step st = null;
        int n = 0;
        do {
            st = env.step(1);
            n++;
        } while (!st.done());
        assertEquals(9, n);
        assertTrue(st.terminated());
        assertFalse(st.truncated());
        assertEquals(1.0, st.reward(), "the terminating step is rewarded too (Gymnasium)");
        assertTrue(env.state()[2] < -CartPole.THETA_THRESHOLD, "the pole falls to the left when the cart is pushed right");
        assertThrows(IllegalStateException.class, () -> env.step(0));
    }

    @Test
    void terminatingOnTheLastStepIsAlsoTruncated() {
        // Gymnasium's TimeLimit sets truncated whenever the step count reaches the limit, also on a terminal step
        for (int limit : new int[] {9, 10}) {
            CartPole env = new CartPole(limit);
            env.setState(new double[4]);
            Env.Step st;
            do {
                st = env.step(1);
            } while (!st.done());
            assertEquals(9, env.elapsedSteps());
            assertTrue(st.terminated());
            assertEquals(limit == 9, st.truncated(), "limit " + limit);
        }
    }

    @Test
    void observationsAreTheStateRoundedToFloat32() {
        CartPole env = new CartPole();
        double[] o = env.reset(5);
        double[] s = env.state();
        for (int t = 0; t < 30; t++) {
            for (int i = 0; i < 4; i++) {
                assertEquals((double) (float) s[i], o[i], "observation " + i + " at step " + t);
            }
            Env.Step st = env.step(s[2] + 0.5 * s[3] > 0 ? 1 : 0);
            o = st.observation();
            s = env.state();
        }
        assertNotEquals((double) (float) s[1], s[1], "the state itself stays in double precision");
        // the limit is tested on the double state: x exactly 2.4 is not past it, though its float32 (2.4000001) is
        double[] first = env.setState(new double[] {2.4, 0, 0, 0});
        assertEquals(2.4000000953674316, first[0]);
        Env.Step st = env.step(0);
        assertEquals(2.4, env.state()[0]);
        assertFalse(st.terminated());
        assertEquals(2.4000000953674316, st.observation()[0]);
    }

    @Test
    void terminationThresholds() {
        CartPole env = new CartPole();
        double lim = CartPole.THETA_THRESHOLD;
        assertEquals(12 * Math.PI / 180, lim, 1e-15);
        // theta reaches just past +12 degrees with thetaDot carrying it over (theta += tau * thetaDot)
        env.setState(new double[] {0, 0, lim - 0.001, 0.1});
        assertTrue(env.step(1).terminated());
        env.setState(new double[] {0, 0, lim - 0.003, 0.1});
        assertFalse(env.step(1).terminated());
        // x beyond 2.4 (x += tau * xDot)
        env.setState(new double[] {2.39, 1.0, 0, 0});
        assertTrue(env.step(0).terminated());
        env.setState(new double[] {-2.39, -1.0, 0, 0});
        assertTrue(env.step(1).terminated());
        env.setState(new double[] {2.37, 1.0, 0, 0});
        assertFalse(env.step(0).terminated());
    }

    @Test
    void truncatedAfterFiveHundredSteps() {
        CartPole env = new CartPole();
        env.reset(3);
        Env.Step st = null;
        // a hand-made balancing controller (push towards the side the pole falls to) survives 500 steps
        double[] s = env.state();
        for (int t = 1; t <= 500; t++) {
            st = env.step(s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.1 * s[1] > 0 ? 1 : 0);
            s = st.observation();
            if (t < 500) {
                assertFalse(st.done(), "controller failed at step " + t);
            }
        }
        assertTrue(st.truncated());
        assertFalse(st.terminated());
        assertEquals(500, env.elapsedSteps());
        assertThrows(IllegalStateException.class, () -> env.step(0));
        CartPole short200 = new CartPole(200);
        short200.reset(3);
        assertEquals(200, RlLoop.evaluate(short200, o -> o[2] + 0.5 * o[3] + 0.01 * o[0] + 0.1 * o[1] > 0 ? 1 : 0, 1, 3)[0]);
    }

    @Test
    void seededResetsAreReproducibleAndUniformInRange() {
        CartPole a = new CartPole();
        CartPole b = new CartPole();
        assertArrayEquals(a.reset(7), b.reset(7));
        assertArrayEquals(a.reset(), b.reset());
        assertNotEquals(a.reset(8)[0], b.reset(9)[0]);
        double min = 1;
        double max = -1;
        CartPole c = new CartPole();
        c.reset(1);
        for (int i = 0; i < 2000; i++) {
            for (double v : c.reset()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertTrue(min >= -0.05 && max <= 0.05, min + " .. " + max);
        assertTrue(min < -0.049 && max > 0.049, "not spread over the range: " + min + " .. " + max);
        // the same seed gives the same episode under a random policy
        java.util.SplittableRandom r1 = new java.util.SplittableRandom(5);
        java.util.SplittableRandom r2 = new java.util.SplittableRandom(5);
        assertArrayEquals(RlLoop.evaluate(new CartPole(), o -> r1.nextInt(2), 20, 11),
                RlLoop.evaluate(new CartPole(), o -> r2.nextInt(2), 20, 11));
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        CartPole env = new CartPole();
        IllegalStateException notReset = assertThrows(IllegalStateException.class, () -> env.step(1));
        assertTrue(notReset.getMessage().contains("reset()"));
        env.reset(1);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> env.step(2));
        assertTrue(bad.getMessage().contains("action"));
        assertThrows(IllegalArgumentException.class, () -> env.setState(new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new CartPole(0));
    }

    @Test
    void rendererDrawsCartAndPole() {
        BufferedImage img = CartPoleRenderer.frame(new double[] {0, 0, 0, 0}, 300, "t=0");
        assertEquals(300, img.getWidth());
        assertEquals(200, img.getHeight());
        // the cart is black at the centre of the track (150, 150), the upright pole is coloured above it
        assertEquals(0x000000, img.getRGB(150, 150) & 0xFFFFFF);
        assertEquals(0xCA9865, img.getRGB(150, 100) & 0xFFFFFF);
        // a pole tilted right leaves the vertical above the cart white and colours the right side
        BufferedImage tilted = CartPoleRenderer.frame(new double[] {0, 0, 0.5, 0}, 300, null);
        assertEquals(0xFFFFFF, tilted.getRGB(150, 80) & 0xFFFFFF);
        assertEquals(0xCA9865, tilted.getRGB(150 + (int) Math.round(40 * Math.sin(0.5)), 146 - (int) Math.round(40 * Math.cos(0.5))) & 0xFFFFFF);
        List<double[]> states = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            states.add(new double[] {i * 0.05, 0, 0.01 * i, 0});
        }
        BufferedImage strip = CartPoleRenderer.strip(states, 8, 4, 150);
        assertEquals(4 * 154 - 4, strip.getWidth());
        assertEquals(2 * 104 - 4, strip.getHeight());
        assertThrows(IllegalArgumentException.class, () -> CartPoleRenderer.strip(List.of(), 8, 4, 150));
    }
}

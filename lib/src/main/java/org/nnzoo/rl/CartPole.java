package org.nnzoo.rl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The cart-pole balancing task exactly as Gymnasium's {@code CartPole-v1} defines it: a pole hinged on a
 * cart that moves along a frictionless track; the agent pushes the cart left (action 0) or right
 * (action 1) with a fixed force and must keep the pole upright.
 *
 * <p>A. G. Barto, R. S. Sutton, C. W. Anderson, "Neuronlike adaptive elements that can solve difficult
 * learning control problems", IEEE Trans. SMC 13(5), 1983. The equations of motion (frictionless form),
 * with {@code m = masspole}, {@code M = masspole + masscart}, {@code l = length} (half the pole):
 * <pre>
 * temp   = (F + m l thetaDot^2 sin(theta)) / M
 * thetaAcc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m cos^2(theta) / M))
 * xAcc   = temp - m l thetaAcc cos(theta) / M
 * </pre>
 * integrated with explicit Euler steps of {@code tau = 0.02 s} (position first, from the old velocity).
 * Like Gymnasium, this uses the original 1983 equations, not R. V. Florian's 2007 correction of the sign
 * of the normal force.
 *
 * <p>Constants: gravity 9.8, masscart 1.0, masspole 0.1, length 0.5, force 10.0, tau 0.02. Observation
 * {@code (x, xDot, theta, thetaDot)}; reward 1 for every step, including the one that ends the episode;
 * terminated when {@code |x| > 2.4} or {@code |theta| > 12 degrees}; truncated when the step count reaches
 * 500 (the {@code TimeLimit} of v1), also when that step terminates as well: an episode that ends on step
 * 500 by a fall reports {@code terminated} and {@code truncated}, as Gymnasium does. The terminal flag
 * is what matters for learning (no bootstrapping from a terminal state, whatever {@code truncated} says).
 * The start state is uniform in [-0.05, 0.05] in all four components.
 *
 * <p>The state is kept and integrated in {@code double} (Gymnasium: float64), and the thresholds are
 * tested on it; the agent sees it rounded to float32, as Gymnasium's {@code np.array(self.state,
 * dtype=np.float32)}: {@link #reset}, {@link #step} and {@link #setState} return {@code double[]}
 * observations whose values are {@code (double) (float) state[i]}, exactly the float32 numbers Gymnasium
 * hands out. {@link #state()} gives the unrounded state. ({@code 2.4} itself rounds up to
 * {@code 2.4000001} in float32, so a cart standing exactly on the limit, not terminated, is observed just
 * beyond it.) {@code CartPoleGymnasiumTest} drives this class and Gymnasium 1.3's {@code CartPole-v1} side
 * by side and finds every observation bit, every reward and both flags equal, step by step.
 *
 * <p>{@code Math.sin/cos} and NumPy's (glibc's) {@code sin/cos} differ in the last bit for a few arguments
 * (about 0.6 % of them beyond 7 degrees, almost none near upright), and the unstable pendulum amplifies such a
 * difference, so a long trajectory left to run on its own can part from Gymnasium's after one of them (in the
 * test, 5 of 588 episodes do; their steps still agree one by one). A second NumPy on another libm would
 * differ from Gymnasium here in the same way.
 *
 * <p>One difference from Gymnasium: the random generator is Java's {@link SplittableRandom}, not NumPy's
 * PCG64, so a given seed gives different start states than in Python (the distribution is the same).
 */
public final class CartPole implements Env {

    public static final double GRAVITY = 9.8;
    public static final double MASS_CART = 1.0;
    public static final double MASS_POLE = 0.1;
    public static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    /** Half the pole's length (the distance from the hinge to the pole's centre of mass). */
    public static final double LENGTH = 0.5;
    public static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;
    public static final double FORCE_MAG = 10.0;
    /** Seconds between state updates. */
    public static final double TAU = 0.02;
    /** 12 degrees, in radians. */
    public static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    public static final double X_THRESHOLD = 2.4;
    /** CartPole-v1's {@code max_episode_steps}. */
    public static final int MAX_EPISODE_STEPS = 500;

    private final int maxSteps;
    private final double[] state = new double[4];
    private SplittableRandom random = new SplittableRandom(0);
    private int elapsed;
    private boolean needsReset = true;

    /** CartPole-v1: episodes truncated after 500 steps. */
    public CartPole() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxSteps the time limit (CartPole-v0 used 200) */
    public CartPole(int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        this.maxSteps = maxSteps;
    }

    @Override
    public int observationSize() {
        return 4;
    }

    @Override
    public int actionCount() {
        return 2;
    }

    @Override
    public double[] reset(long seed) {
        random = new SplittableRandom(seed);
        return reset();
    }

    @Override
    public double[] reset() {
        for (int i = 0; i < 4; i++) {
            state[i] = -0.05 + 0.1 * random.nextDouble();
        }
        elapsed = 0;
        needsReset = false;
        return observation();
    }

    /**
     * Puts the system in a given state (for tests and demonstrations) and starts a new episode from it.
     *
     * @param s {@code (x, xDot, theta, thetaDot)}
     * @return the first observation (the state rounded to float32, as {@link #reset()} returns it)
     */
    public double[] setState(double[] s) {
        if (s == null || s.length != 4) {
            throw new IllegalArgumentException("state must have 4 values (x, xDot, theta, thetaDot), got "
                    + (s == null ? "null" : s.length));
        }
        System.arraycopy(s, 0, state, 0, 4);
        elapsed = 0;
        needsReset = false;
        return observation();
    }

    /**
     * @return a copy of the current state {@code (x, xDot, theta, thetaDot)} in full double precision (the
     *         agent's observations are this rounded to float32)
     */
    public double[] state() {
        return state.clone();
    }

    /** The observation of the current state: each value rounded to float32, as Gymnasium returns it. */
    private double[] observation() {
        double[] o = new double[4];
        for (int i = 0; i < 4; i++) {
            o[i] = (float) state[i];
        }
        return o;
    }

    /** @return steps taken in the current episode */
    public int elapsedSteps() {
        return elapsed;
    }

    @Override
    public Step step(int action) {
        if (action != 0 && action != 1) {
            throw new IllegalArgumentException("CartPole action must be 0 (push left) or 1 (push right), got " + action);
        }
        if (needsReset) {
            throw new IllegalStateException("the episode has ended (or never started): call reset() before step()");
        }
        dynamics(state, action);
        elapsed++;
        double x = state[0];
        double theta = state[2];
        boolean terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
        // Gymnasium's TimeLimit: truncated whenever the limit is reached, even on a terminating step
        boolean truncated = elapsed >= maxSteps;
        needsReset = terminated || truncated;
        return new Step(observation(), 1.0, terminated, truncated);
    }

    /**
     * One Euler step of the equations of motion, in place.
     *
     * @param s      {@code (x, xDot, theta, thetaDot)}, updated
     * @param action 0 pushes left, 1 pushes right
     */
    public static void dynamics(double[] s, int action) {
        // the operations are grouped as in Gymnasium's step() (np.square(...)), so the rounding is the same
        double x = s[0];
        double xDot = s[1];
        double theta = s[2];
        double thetaDot = s[3];
        double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
        double xAcc = temp - POLEMASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        s[0] = x + TAU * xDot;
        s[1] = xDot + TAU * xAcc;
        s[2] = theta + TAU * thetaDot;
        s[3] = thetaDot + TAU * thetaAcc;
    }

    @Override
    public String toString() {
        return "CartPole-v1" + (maxSteps != MAX_EPISODE_STEPS ? " (max " + maxSteps + " steps)" : "")
                + " state " + Arrays.toString(state);
    }
}

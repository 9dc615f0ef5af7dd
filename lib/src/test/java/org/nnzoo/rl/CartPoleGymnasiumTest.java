package org.nnzoo.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Differential test: {@link CartPole} against the real Gymnasium 1.3 {@code CartPole-v1}
 * ({@code gymnasium.make}, with its {@code TimeLimit}), run by the project's venv python
 * ({@code environment/setup-gymnasium.sh} creates it). Both sides get the same start states and the same
 * action sequences; every observation (float32 bits), reward, {@code terminated} and {@code truncated} is
 * compared, over random, adversarial and controlled episodes and the edge cases (the x and theta limits hit
 * exactly and crossed by one ulp, episodes reaching the time limit, and episodes that terminate exactly on
 * the limit's step).
 *
 * <p>Gymnasium steps from the Java state before each step (set on {@code env.unwrapped}). Free-running,
 * the two can drift apart: Java's {@code Math.sin/cos} and NumPy's (glibc's) differ in the last bit for a
 * few arguments (about 0.6 % beyond 7 degrees, almost none near upright), and the inverted pendulum
 * amplifies a 1e-16 difference by about {@code e^(4 t)}. The free-running agreement is measured and
 * printed, not asserted; the float64 states after each step are compared to 1e-12 and counted.
 *
 * <p>Without the venv the test is skipped with a loud message, or fails when {@code NNZOO_REQUIRE_GYMNASIUM=1}
 * ({@code environment/test.sh} sets it after creating the venv, so CI cannot skip it silently).
 */
class CartPoleGymnasiumTest {

    static final String SETUP = "environment/setup-gymnasium.sh";
    static final String VENV = ".venv-gymnasium";

    /** One side-by-side episode: the Java trajectory and what it is meant to cover. */
    record Trace(String kind, int maxSteps, double[] start, int[] actions, List<Env.Step> steps, List<double[]> states) {
    }

    /** A policy that sees the observation and the number of steps taken so far. */
    interface Policy {
        int act(double[] observation, int t);
    }

    static int controller(double[] o) {
        return o[2] + 0.5 * o[3] + 0.01 * o[0] + 0.1 * o[1] > 0 ? 1 : 0;
    }

    /** Plays until the episode ends or {@code limit} actions were taken. */
    static Trace play(String kind, int maxSteps, double[] start, Policy policy, int limit) {
        CartPole env = new CartPole(maxSteps);
        double[] o = env.setState(start);
        List<Env.Step> steps = new ArrayList<>();
        List<double[]> states = new ArrayList<>();
        List<Integer> actions = new ArrayList<>();
        for (int t = 0; t < limit; t++) {
            int a = policy.act(o, t);
            Env.Step st = env.step(a);
            actions.add(a);
            steps.add(st);
            states.add(env.state());
            o = st.observation();
            if (st.done()) {
                break;
            }
        }
        return new Trace(kind, maxSteps, start.clone(), actions.stream().mapToInt(Integer::intValue).toArray(), steps, states);
    }

    static Trace sequence(String kind, int maxSteps, double[] start, int[] actions) {
        return play(kind, maxSteps, start, (o, t) -> actions[t], actions.length);
    }

    static double[] javaStart(CartPole gen) {
        gen.reset();
        return gen.state();
    }

    @Test
    @Timeout(300)
    void everyStepMatchesGymnasium() throws IOException, InterruptedException {
        Path python = gymnasiumPython();
        long started = System.nanoTime();
        List<Trace> traces = new ArrayList<>();
        Map<String, Integer> seededResets = new TreeMap<>();
        try (Gymnasium gym = new Gymnasium(python)) {
            String version = gym.ask("hello");
            assertTrue(version.startsWith("gymnasium 1.3."), "expected Gymnasium 1.3, the venv has: " + version);

            // 1. Gymnasium's own seeded start states: the same observation after reset, then random actions
            SplittableRandom coin = new SplittableRandom(1);
            for (int seed = 0; seed < 100; seed++) {
                String[] r = gym.ask("reset " + seed).split(" ");
                double[] state = fromHex64(r[1]);
                double[] obs = new CartPole().setState(state);
                for (int i = 0; i < 4; i++) {
                    assertEquals(Integer.parseUnsignedInt(r[0].substring(8 * i, 8 * i + 8), 16),
                            Float.floatToRawIntBits((float) obs[i]), "reset(seed=" + seed + ") observation [" + i + "]");
                    assertEquals(obs[i], (double) (float) obs[i]);
                }
                seededResets.merge("gymnasium seeded resets compared", 1, Integer::sum);
                double p = 0.2 + 0.6 * coin.nextDouble();
                traces.add(play("random (Gymnasium start)", 500, state, (o, t) -> coin.nextDouble() < p ? 1 : 0, 500));
            }

            // 2. Java's start states: uniformly random actions, a balancing controller, the controller with noise
            CartPole gen = new CartPole();
            gen.reset(2024);
            for (int e = 0; e < 250; e++) {
                traces.add(play("random", 500, javaStart(gen), (o, t) -> coin.nextInt(2), 500));
            }
            for (int e = 0; e < 60; e++) {
                traces.add(play("controller", 500, javaStart(gen), (o, t) -> controller(o), 500));
            }
            for (int e = 0; e < 60; e++) {
                double noise = 0.05 + 0.3 * coin.nextDouble();
                traces.add(play("noisy controller", 500, javaStart(gen), (o, t) -> coin.nextDouble() < noise ? coin.nextInt(2) : controller(o), 500));
            }
            // the controller with the v0 time limit (200)
            for (int e = 0; e < 10; e++) {
                traces.add(play("controller, limit 200", 200, javaStart(gen), (o, t) -> controller(o), 500));
            }

            // 3. adversarial sequences: always one way, alternating, blocks, a balancing controller that lets the cart run off
            for (int e = 0; e < 40; e++) {
                double[] s0 = e < 4 ? new double[4] : javaStart(gen);
                int kind = e % 4;
                int block = 1 + e / 4;
                traces.add(play(kind == 0 ? "always left" : kind == 1 ? "always right" : kind == 2 ? "alternating" : "blocks",
                        500, s0, (o, t) -> kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? t % 2 : (t / block) % 2, 500));
            }
            for (int e = 0; e < 20; e++) {
                double bias = (e % 2 == 0 ? 1 : -1) * (0.005 + 0.002 * e);
                traces.add(play("runs off the track", 500, javaStart(gen), (o, t) -> o[2] + 0.5 * o[3] + bias > 0 ? 1 : 0, 500));
            }

            // 4. the limits hit exactly (not terminated: the tests are strict) and crossed by one ulp
            double[] velocities = {0, 0.37, -0.81, 1.3, -2.2};
            for (double v : velocities) {
                for (int sign : new int[] {1, -1}) {
                    double xl = sign * CartPole.X_THRESHOLD;
                    double x0 = exactStart(xl, v);
                    int push = sign > 0 ? 0 : 1; // back towards the centre
                    traces.add(sequence("x exactly on the limit", 500, new double[] {x0, v, 0.01, 0}, new int[] {push, push, push}));
                    traces.add(sequence("x one ulp past the limit", 500,
                            new double[] {sign > 0 ? Math.nextUp(x0) : Math.nextDown(x0), v, 0.01, 0}, new int[] {push}));
                    double tl = sign * CartPole.THETA_THRESHOLD;
                    double th0 = exactStart(tl, v);
                    traces.add(sequence("theta exactly on the limit", 500, new double[] {0.1, 0, th0, v}, new int[] {1 - push, 1 - push}));
                    traces.add(sequence("theta one ulp past the limit", 500,
                            new double[] {0.1, 0, sign > 0 ? Math.nextUp(th0) : Math.nextDown(th0), v}, new int[] {1 - push}));
                }
            }

            // 5. episodes that terminate exactly on the time limit's step (both flags), by the angle and by x
            for (int limit : new int[] {500, 200}) {
                for (int dir = 0; dir < 2; dir++) {
                    traces.add(terminatingOnTheLimit(limit, dir, false));
                    traces.add(terminatingOnTheLimit(limit, dir, true));
                }
            }

            // compare
            Map<String, Integer> edges = new TreeMap<>(seededResets);
            long steps = 0;
            long exact64 = 0;
            long freeSteps = 0;
            int freeWhole = 0;
            for (Trace tr : traces) {
                String answer = gym.ask(request(tr));
                String[] parts = answer.split(" ");
                if (!parts[0].equals("FREE")) {
                    fail("Gymnasium answered: " + answer + "\n" + gym.stderr());
                }
                int free = Integer.parseInt(parts[1]);
                freeSteps += free;
                freeWhole += free == tr.actions().length ? 1 : 0;
                assertEquals(tr.steps().size(), parts.length - 2,
                        tr.kind() + ": Gymnasium's episode from " + hex64(tr.start()) + " has another length");
                for (int k = 0; k < tr.steps().size(); k++) {
                    String where = tr.kind() + ", episode from " + hex64(tr.start()) + ", step " + (k + 1);
                    Env.Step js = tr.steps().get(k);
                    String[] g = parts[k + 2].split(",");
                    for (int i = 0; i < 4; i++) {
                        int gymBits = Integer.parseUnsignedInt(g[0].substring(8 * i, 8 * i + 8), 16);
                        double o = js.observation()[i];
                        assertEquals(o, (double) (float) o, where + ": the observation is not a float32 value");
                        if (gymBits != Float.floatToRawIntBits((float) o)) {
                            fail(where + ": observation[" + i + "] Java " + (float) o + " Gymnasium "
                                    + Float.intBitsToFloat(gymBits));
                        }
                    }
                    double[] gymState = fromHex64(g[0].substring(32));
                    boolean same = true;
                    for (int i = 0; i < 4; i++) {
                        double jv = tr.states().get(k)[i];
                        assertEquals(gymState[i], jv, 1e-12, where + ": float64 state[" + i + "]");
                        same &= Double.doubleToRawLongBits(gymState[i]) == Double.doubleToRawLongBits(jv);
                    }
                    exact64 += same ? 1 : 0;
                    assertEquals(Double.parseDouble(g[1]), js.reward(), where + ": reward");
                    assertEquals(g[2].charAt(0) == '1', js.terminated(), where + ": terminated");
                    assertEquals(g[2].charAt(1) == '1', js.truncated(), where + ": truncated");
                    steps++;
                    countEdges(edges, tr, k);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "CartPole vs %s: %d episodes, %d steps, every observation (float32 bits), reward,"
                            + " terminated and truncated equal; float64 states bit for bit equal after %d steps (%.2f %%),"
                            + " the rest within 1e-12; free-running Gymnasium reproduces %d of %d episodes whole and %.1f %% of"
                            + " the steps before the first difference; %.1f s%n  edge cases: %s%n",
                    version, traces.size(), steps, exact64, 100.0 * exact64 / steps, freeWhole, traces.size(),
                    100.0 * freeSteps / steps, seconds, edges);
            for (String edge : List.of("terminated on the x limit", "terminated on the theta limit", "x exactly 2.4, not terminated",
                    "theta exactly 12 degrees, not terminated", "truncated at 500", "truncated at 200",
                    "terminated and truncated at 500", "terminated and truncated at 200", "x past 2.4 on the limit's step")) {
                assertTrue(edges.getOrDefault(edge, 0) > 0, "edge case not covered: " + edge + " (" + edges + ")");
            }
            assertTrue(traces.size() >= 500 && steps >= 20_000, traces.size() + " episodes, " + steps + " steps");
        }
    }

    static void countEdges(Map<String, Integer> edges, Trace tr, int k) {
        Env.Step st = tr.steps().get(k);
        double[] s = tr.states().get(k);
        if (st.terminated()) {
            edges.merge(Math.abs(s[0]) > CartPole.X_THRESHOLD ? "terminated on the x limit" : "terminated on the theta limit", 1, Integer::sum);
        }
        if (Math.abs(s[0]) == CartPole.X_THRESHOLD) {
            edges.merge("x exactly 2.4, not terminated", 1, Integer::sum);
        }
        if (Math.abs(s[2]) == CartPole.THETA_THRESHOLD) {
            edges.merge("theta exactly 12 degrees, not terminated", 1, Integer::sum);
        }
        if (st.truncated()) {
            String limit = " at " + tr.maxSteps();
            edges.merge(st.terminated() ? "terminated and truncated" + limit : "truncated" + limit, 1, Integer::sum);
            if (st.terminated() && Math.abs(s[0]) > CartPole.X_THRESHOLD) {
                edges.merge("x past 2.4 on the limit's step", 1, Integer::sum);
            }
        }
    }

    /** A start coordinate {@code c0} with {@code c0 + TAU * v == target} exactly (the Euler position update). */
    static double exactStart(double target, double v) {
        double c = target - CartPole.TAU * v;
        for (int i = 0; i < 64; i++) {
            double sum = c + CartPole.TAU * v;
            if (sum == target) {
                return c;
            }
            c = sum < target ? Math.nextUp(c) : Math.nextDown(c);
        }
        throw new AssertionError("no start reaches " + target + " exactly with velocity " + v);
    }

    /**
     * An episode that terminates exactly on step {@code limit}. By the angle ({@code byX} false): the
     * balancing controller from a seeded start, then the same push for the last {@code k} steps, searched
     * over starts and {@code k}. By x: a controller that looks at the pole only, with a bias that makes the
     * cart drift ({@code dir} 0: to the left); the dynamics and that policy do not depend on x, so the
     * trajectory from {@code x = 0} (integrated without the track's limits) only needs shifting: the start x
     * puts the step where the cart first goes furthest out exactly past the limit.
     */
    static Trace terminatingOnTheLimit(int limit, int dir, boolean byX) {
        CartPole gen = new CartPole();
        for (int seed = 0; seed < 100; seed++) {
            gen.reset(seed);
            double[] s0 = gen.state();
            if (!byX) {
                for (int k = 1; k < 40; k++) {
                    int switchAt = limit - k;
                    Trace tr = play("terminates on step " + limit, limit, s0, (o, t) -> t < switchAt ? controller(o) : dir, limit);
                    if (tr.steps().size() == limit && tr.steps().get(limit - 1).terminated()) {
                        return tr;
                    }
                }
                continue;
            }
            int sign = dir == 0 ? -1 : 1;
            for (double bias : new double[] {0.001, 0.002, 0.005, 0.01}) {
                Policy drift = (o, t) -> o[2] + 0.5 * o[3] - sign * bias > 0 ? 1 : 0;
                double[] s = {0, s0[1], s0[2], s0[3]};
                double furthest = 0;
                boolean upright = true;
                for (int t = 0; t < limit - 1 && upright; t++) {
                    double[] o = {(float) s[0], (float) s[1], (float) s[2], (float) s[3]};
                    CartPole.dynamics(s, drift.act(o, t));
                    furthest = Math.max(furthest, sign * s[0]);
                    upright = Math.abs(s[2]) <= CartPole.THETA_THRESHOLD;
                }
                double[] o = {(float) s[0], (float) s[1], (float) s[2], (float) s[3]};
                CartPole.dynamics(s, drift.act(o, limit - 1));
                double last = sign * s[0];
                if (!upright || Math.abs(s[2]) > CartPole.THETA_THRESHOLD || last - furthest < 1e-3 || last > 4.7) {
                    continue;
                }
                double x0 = sign * (CartPole.X_THRESHOLD - (last + furthest) / 2);
                Trace tr = play("runs off on step " + limit, limit, new double[] {x0, s0[1], s0[2], s0[3]}, drift, limit);
                double[] end = tr.states().get(tr.states().size() - 1);
                if (tr.steps().size() == limit && tr.steps().get(limit - 1).terminated() && sign * end[0] > CartPole.X_THRESHOLD) {
                    return tr;
                }
            }
        }
        throw new AssertionError("found no episode that terminates exactly on step " + limit + (byX ? " by x" : "")
                + " (push " + dir + ")");
    }

    static String request(Trace tr) {
        StringBuilder sb = new StringBuilder("episode ").append(tr.maxSteps()).append(' ').append(hex64(tr.start())).append(' ');
        for (int a : tr.actions()) {
            sb.append(a);
        }
        sb.append(' ');
        for (double[] s : tr.states()) {
            sb.append(hex64(s));
        }
        return sb.toString();
    }

    static String hex64(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            String h = Long.toHexString(Double.doubleToRawLongBits(x));
            sb.append("0".repeat(16 - h.length())).append(h);
        }
        return sb.toString();
    }

    static double[] fromHex64(String hex) {
        double[] v = new double[hex.length() / 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.longBitsToDouble(Long.parseUnsignedLong(hex.substring(16 * i, 16 * i + 16), 16));
        }
        return v;
    }

    /**
     * The venv's python ({@code NNZOO_GYMNASIUM_PYTHON} overrides it). When it is missing: a loud skip, or a
     * failure when {@code NNZOO_REQUIRE_GYMNASIUM=1}.
     */
    static Path gymnasiumPython() {
        String override = System.getenv("NNZOO_GYMNASIUM_PYTHON");
        Path root = repositoryRoot();
        Path python = override != null && !override.isBlank() ? Path.of(override)
                : root == null ? null : root.resolve(VENV).resolve("bin").resolve("python");
        if (python != null && Files.isExecutable(python)) {
            return python;
        }
        String msg = "CartPole vs Gymnasium NOT RUN: no Gymnasium venv (" + (python == null ? VENV : python)
                + "). Create it with `bash " + SETUP + "` (it needs pip access to gymnasium 1.3 and numpy), "
                + "or set NNZOO_GYMNASIUM_PYTHON to a python that has them.";
        if ("1".equals(System.getenv("NNZOO_REQUIRE_GYMNASIUM"))) {
            fail(msg + " NNZOO_REQUIRE_GYMNASIUM=1: this is an error, not a skip.");
        }
        String bar = "!".repeat(100);
        System.err.println(bar + "\n!!! " + msg + "\n" + bar);
        Assumptions.abort(msg);
        return null;
    }

    static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(SETUP))) {
                return p;
            }
        }
        return null;
    }

    /** The python side: one request line out, one answer line back. */
    static final class Gymnasium implements AutoCloseable {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;
        private final Path stderr;

        Gymnasium(Path python) throws IOException {
            Path script;
            try {
                script = Path.of(CartPoleGymnasiumTest.class.getResource("gymnasium_cartpole.py").toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            stderr = Files.createTempFile("gymnasium-cartpole", ".log");
            ProcessBuilder pb = new ProcessBuilder(python.toString(), script.toString());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            pb.redirectError(stderr.toFile());
            process = pb.start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        }

        String ask(String request) throws IOException {
            in.write(request);
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null || line.startsWith("ERROR")) {
                fail("the Gymnasium side " + (line == null ? "stopped" : "answered " + line) + "; its stderr:\n" + stderr());
            }
            return line;
        }

        String stderr() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(stderr);
        }
    }
}

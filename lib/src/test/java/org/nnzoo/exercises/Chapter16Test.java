package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.Snn;
import org.nnzoo.models.Stdp;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The checks of chapter 16 can fail, and say why: wrong answers get the hint for their mistake. */
class Chapter16Test {

    private static final Chapter16.LifNeuron RIGHT = (current, beta, threshold, reset) ->
            new Snn.Lif((float) beta, (float) threshold, reset, Snn.Surrogate.FAST_SIGMOID, 25f).simulate(current);

    /** The LIF neuron, always with reset by subtraction. */
    private static final Chapter16.LifNeuron ALWAYS_SUBTRACT = (current, beta, threshold, reset) ->
            RIGHT.simulate(current, beta, threshold, Snn.Reset.SUBTRACT);

    /** The LIF neuron that decays the input along with the old potential. */
    private static final Chapter16.LifNeuron DECAYED_INPUT = (current, beta, threshold, reset) -> {
        double[] u = new double[current.length];
        int[] s = new int[current.length];
        double prev = 0;
        int fired = 0;
        for (int t = 0; t < current.length; t++) {
            double v = reset == Snn.Reset.SUBTRACT ? beta * (prev + current[t]) - fired * threshold
                    : beta * (prev * (1 - fired) + current[t]);
            fired = v > threshold ? 1 : 0;
            u[t] = v;
            s[t] = fired;
            prev = v;
        }
        return new Snn.Trace(u, s);
    };

    @Test
    void rightNeuronPasses() {
        Report r = Exercise.run("16.1", RIGHT);
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void wrongResetFailsWithItsHint() {
        Report r = Exercise.run("16.1", ALWAYS_SUBTRACT);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("this is the other reset"), r.toString());
        assertTrue(r.toString().contains("element ["), r.toString());
    }

    @Test
    void decayedInputFailsWithItsHint() {
        Report r = Exercise.run("16.1", DECAYED_INPUT);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("only the old potential decays"), r.toString());
        assertFalse(r.toString().contains("starts at rest"), r.toString());
    }

    @Test
    void resetInTheSpikesOwnStepFailsWithItsHint() {
        Chapter16.LifNeuron atOnce = (current, beta, threshold, reset) -> {
            double[] u = new double[current.length];
            int[] s = new int[current.length];
            double prev = 0;
            for (int t = 0; t < current.length; t++) {
                double v = beta * prev + current[t];
                s[t] = v > threshold ? 1 : 0;
                if (s[t] == 1) {
                    v = reset == Snn.Reset.SUBTRACT ? v - threshold : 0;
                }
                u[t] = v;
                prev = v;
            }
            return new Snn.Trace(u, s);
        };
        Report r = Exercise.run("16.1", atOnce);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("you reset in the step of the spike"), r.toString());
    }

    @Test
    void rightStdpPassesAndNoDecayOrPostFirstFailWithTheirHints() {
        assertTrue(Exercise.run("16.2", (Chapter16.StdpTraces) Stdp::traceRule).passed());
        Report noDecay = Exercise.run("16.2", (Chapter16.StdpTraces) (rule, pre, post) -> Chapter16.stdpVariant(rule, pre, post, false, true));
        assertFalse(noDecay.passed());
        assertTrue(noDecay.toString().contains("the traces never decay"), noDecay.toString());
        Report postFirst = Exercise.run("16.2", (Chapter16.StdpTraces) (rule, pre, post) -> Chapter16.stdpVariant(rule, pre, post, true, false));
        assertFalse(postFirst.passed());
        assertTrue(postFirst.toString().contains("count as causal"), postFirst.toString());
        Report swapped = Exercise.run("16.2", (Chapter16.StdpTraces) (rule, pre, post) -> Stdp.traceRule(
                new Stdp.Rule(rule.aMinus(), rule.aPlus(), rule.tauPlus(), rule.tauMinus(), rule.wMax()), pre, post));
        assertFalse(swapped.passed());
        assertTrue(swapped.toString().contains("A+ and A- are swapped"), swapped.toString());
    }

    @Test
    void referenceVariantWithoutMistakeIsTheLibraryNeuron() {
        double[] current = {0.3, 0.5, 0.9, 0.1, 0.7, 0.8, 0.2};
        for (Snn.Reset reset : Snn.Reset.values()) {
            double[] want = RIGHT.simulate(current, 0.9, 1, reset).membrane();
            double[] got = Chapter16.lifVariant(current, (float) 0.9, 1, reset, Chapter16.Mistake.NONE);
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, 0);
        }
    }
}

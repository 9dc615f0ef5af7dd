package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 5.1 passes the right RNN step and names the usual mistakes. */
class Chapter05Test {

    private static Chapter05.RnnStep with(Mistake mistake) {
        return (x, h, wIh, wHh, bIh, bHh) -> SequenceChecks.rnn(x, h, wIh, wHh, bIh, bHh, mistake);
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("5.1", with(Mistake.NONE));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void missingTanhFailsWithItsHint() {
        Report r = Exercise.run("5.1", with(Mistake.NO_TANH));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the tanh is missing") && r.toString().contains("element ["), r.toString());
    }

    @Test
    void transposedRecurrentWeightFailsWithItsHint() {
        Report r = Exercise.run("5.1", with(Mistake.TRANSPOSED_W_HH));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("W_hh is transposed"), r.toString());
    }

    @Test
    void missingBiasAndSigmoidAreNamed() {
        assertTrue(Exercise.run("5.1", with(Mistake.NO_H2H_BIAS)).toString().contains("the bias b_hh is missing"));
        assertTrue(Exercise.run("5.1", with(Mistake.SIGMOID)).toString().contains("you used the sigmoid"));
    }

    @Test
    void wrongLengthIsExplained() {
        Report r = Exercise.run("5.1", (Chapter05.RnnStep) (x, h, wIh, wHh, bIh, bHh) -> x);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("one value per hidden unit"), r.toString());
    }
}

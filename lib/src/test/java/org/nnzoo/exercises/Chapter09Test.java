package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.exercises.Chapter09.Mistake;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 9.1 passes right attention and names the usual mistakes. */
class Chapter09Test {

    private static Chapter09.Attention with(Mistake mistake) {
        return (q, k, v, causal) -> Chapter09.plain(q, k, v, causal, mistake);
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("9.1", with(Mistake.NONE));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void missingScaleFailsWithItsHint() {
        Report r = Exercise.run("9.1", with(Mistake.NO_SCALE));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("divide Q K^T by sqrt(d)"), r.toString());
    }

    @Test
    void ignoredCausalMaskFailsWithItsHint() {
        Report r = Exercise.run("9.1", with(Mistake.NO_MASK));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the causal mask is not applied"), r.toString());
        assertTrue(r.toString().contains("✓ Tq = 3, Tk = 3, d = 2, dv = 1"), "cases without a mask still pass: " + r);
    }

    @Test
    void otherMistakesAreNamed() {
        assertTrue(Exercise.run("9.1", with(Mistake.SCALE_BY_D)).toString().contains("you divided by d"));
        assertTrue(Exercise.run("9.1", with(Mistake.MASK_INVERTED)).toString().contains("the wrong way round"));
        assertTrue(Exercise.run("9.1", with(Mistake.SOFTMAX_OVER_QUERIES)).toString().contains("the wrong axis"));
    }
}

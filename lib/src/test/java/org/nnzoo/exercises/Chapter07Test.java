package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 7.1 passes the right LSTM step and names the usual mistakes. */
class Chapter07Test {

    private static Chapter07.LstmStep with(Mistake mistake) {
        return (x, h, c, wIh, wHh, bIh, bHh) -> SequenceChecks.lstm(x, h, c, wIh, wHh, bIh, bHh, mistake);
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("7.1", with(Mistake.NONE));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void gateOrderFailsWithItsHint() {
        Report r = Exercise.run("7.1", with(Mistake.IFOG_ORDER));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("PyTorch's order i, f, g, o"), r.toString());
    }

    @Test
    void missingTanhOfTheCellFailsWithItsHint() {
        Report r = Exercise.run("7.1", with(Mistake.H_WITHOUT_TANH));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the tanh of the new cell state is missing"), r.toString());
    }

    @Test
    void missingInputGateIsNamed() {
        assertTrue(Exercise.run("7.1", with(Mistake.NO_INPUT_GATE)).toString().contains("the input gate is missing"));
    }

    @Test
    void oldCellStateAndWrongShapeAreExplained() {
        Report stale = Exercise.run("7.1", (Chapter07.LstmStep) (x, h, c, wIh, wHh, bIh, bHh) ->
                new float[][] {SequenceChecks.lstm(x, h, c, wIh, wHh, bIh, bHh, Mistake.NONE)[0], c});
        assertFalse(stale.passed());
        assertTrue(stale.toString().contains("h' is right but c' is not"), stale.toString());
        Report shape = Exercise.run("7.1", (Chapter07.LstmStep) (x, h, c, wIh, wHh, bIh, bHh) -> new float[][] {h});
        assertTrue(shape.toString().contains("expected [2, "), shape.toString());
    }
}

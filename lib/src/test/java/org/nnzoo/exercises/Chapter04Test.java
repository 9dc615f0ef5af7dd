package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 4.1 passes the right block and names the usual mistakes. */
class Chapter04Test {

    /** The block with one mistake switched on: 0 none, 1 ReLU before the addition, 2 no final ReLU, 3 identity shortcut always. */
    private static Chapter04.ResidualBlock block(int mistake) {
        return (x, w1, w2, ws, stride) -> {
            NDArray f = Chapter04.convBn(Activation.relu(Chapter04.convBn(x, w1, stride)), w2, 1);
            NDArray s = ws == null || mistake == 3 ? x : Chapter04.convBn(x, ws, stride);
            return switch (mistake) {
                case 1 -> Activation.relu(f).add(s);
                case 2 -> f.add(s);
                default -> Activation.relu(f.add(s));
            };
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("4.1", block(0));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void reluBeforeTheAdditionFailsWithItsHint() {
        Report r = Exercise.run("4.1", block(1));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the ReLU comes after the addition"), r.toString());
    }

    @Test
    void missingFinalReluFailsWithItsHint() {
        Report r = Exercise.run("4.1", block(2));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the final ReLU is missing"), r.toString());
    }

    @Test
    void identityShortcutOnAChangingBlockIsExplained() {
        Report r = Exercise.run("4.1", block(3));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the shortcut is the projection convBn(x, ws, stride)"), r.toString());
    }

    @Test
    void skeletonIsNotAttempted() {
        assertFalse(Exercise.run("4.1", (Chapter04.ResidualBlock) (x, w1, w2, ws, s) -> {
            throw Exercise.todo();
        }).attempted());
    }
}

package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;

class PerceptronTest {

    @Test
    void convergesOnSeparableData() {
        Perceptron.Points d = Perceptron.separableData(400, 0.05, 3);
        Perceptron p = new Perceptron(2);
        List<Integer> mistakes = p.fit(d.x(), d.y(), 1000, 1.0, 1);
        assertEquals(0, mistakes.get(mistakes.size() - 1));
        assertEquals(1.0, p.accuracy(d.x(), d.y()));
        // the boundary separates: every point lies on its label's side
        for (int i = 0; i < d.y().length; i++) {
            assertTrue(d.y()[i] * p.score(d.x()[i]) > 0);
        }
    }

    @Test
    void neverSolvesXor() {
        Perceptron.Points d = Perceptron.xorData();
        Perceptron p = new Perceptron(2);
        List<Integer> mistakes = p.fit(d.x(), d.y(), 500, 1.0, 1);
        assertEquals(500, mistakes.size(), "XOR must never reach an epoch without mistakes");
        assertTrue(mistakes.stream().allMatch(m -> m > 0));
        assertTrue(p.accuracy(d.x(), d.y()) <= 0.75);
    }

    @Test
    void separatesZerosFromOnesOnRealMnistSlice() {
        var train = Perceptron.Points.fromImages(Slice.load(Mnist.Split.TRAIN).filter(0, 1), 1);
        var test = Perceptron.Points.fromImages(Slice.load(Mnist.Split.TEST).filter(0, 1), 1);
        assertTrue(train.x().length > 50 && test.x().length > 50);
        assertEquals(784, train.x()[0].length);
        Perceptron p = new Perceptron(784);
        p.fit(train.x(), train.y(), 20, 1.0, 1);
        assertEquals(1.0, p.accuracy(train.x(), train.y()), "0 vs 1 is linearly separable on this slice");
        assertTrue(p.accuracy(test.x(), test.y()) >= 0.98, "test accuracy " + p.accuracy(test.x(), test.y()));
    }

    @Test
    void clearErrors() {
        Perceptron p = new Perceptron(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.fit(new double[][] {{1, 2}}, new int[] {0}, 1, 1, 1));
        assertTrue(e.getMessage().contains("+1 or -1"));
        assertThrows(IllegalArgumentException.class, () -> p.score(new double[3]));
    }
}

package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;

/** The Frechet distance (closed form, zero for a set with itself, growing with noise) and the LeNet scorer. */
class SampleQualityTest {

    private static double[][] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            double shared = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                row[j] = 1 + j * 0.1 + r.nextGaussian() * (1 + j % 3) + 0.5 * shared; // correlated
            }
        }
        return x;
    }

    @Test
    void frechetOfASetWithItselfIsZeroAndGrowsWithNoise() {
        double[][] a = gaussian(600, 12, 1);
        assertEquals(0, SampleQuality.frechet(a, a), 1e-6);
        double previous = 0;
        Random r = new Random(2);
        for (double sigma : new double[] {0.2, 0.6, 1.5}) {
            double[][] b = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                b[i] = a[i].clone();
                for (int j = 0; j < b[i].length; j++) {
                    b[i][j] += sigma * r.nextGaussian();
                }
            }
            double fd = SampleQuality.frechet(a, b);
            assertTrue(fd > previous, "noise " + sigma + ": Frechet " + fd + " should exceed " + previous);
            previous = fd;
        }
    }

    @Test
    void frechetMatchesTheClosedFormForDiagonalCovariances() {
        double[] m1 = {0, 1, 2};
        double[] m2 = {1, 1, 0};
        double[] v1 = {1, 4, 0.25};
        double[] v2 = {4, 1, 0.25};
        double[][] c1 = new double[3][3];
        double[][] c2 = new double[3][3];
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            c1[i][i] = v1[i];
            c2[i][i] = v2[i];
            expected += (m1[i] - m2[i]) * (m1[i] - m2[i]) + Math.pow(Math.sqrt(v1[i]) - Math.sqrt(v2[i]), 2);
        }
        assertEquals(expected, SampleQuality.frechet(m1, c1, m2, c2), 1e-9);
    }

    @Test
    void badFeatureSetsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SampleQuality.frechet(new double[1][3], new double[5][3]));
        assertThrows(IllegalArgumentException.class, () -> SampleQuality.frechet(new double[5][3], new double[5][4]));
    }

    @Test
    void scorerSeesRealDigitsAsCloseAndNoiseAsFar() {
        ImageSet train = Slice.load(Mnist.Split.TRAIN);
        ImageSet test = Slice.load(Mnist.Split.TEST);
        SampleQuality q = SampleQuality.train(train, test, 8);
        assertTrue(q.testAccuracy() > 0.6, "scorer accuracy on the test slice " + q.testAccuracy());
        float[] real = test.pixels();
        SampleQuality.Report self = q.score(real, real);
        assertEquals(0, self.frechet(), 1e-3);
        assertEquals(test.count(), Arrays.stream(self.histogram()).sum());
        SampleQuality.Report trainVsTest = q.score(real, train.pixels());
        float[] noise = new float[real.length];
        Random r = new Random(4);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = r.nextFloat();
        }
        SampleQuality.Report fake = q.score(real, noise);
        assertTrue(fake.frechet() > 5 * trainVsTest.frechet(), "noise " + fake.frechet() + " vs real digits " + trainVsTest.frechet());
        assertTrue(trainVsTest.inceptionScore() > fake.inceptionScore(), "real digits are confident and diverse: IS "
                + trainVsTest.inceptionScore() + " vs noise " + fake.inceptionScore());
        assertTrue(self.inceptionScore() >= 1 && self.inceptionScore() <= 10);
    }
}

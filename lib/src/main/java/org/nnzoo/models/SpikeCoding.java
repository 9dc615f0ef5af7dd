package org.nnzoo.models;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * How an image (intensities in [0, 1]) becomes the input of a spiking network's first layer over {@code T}
 * time steps ({@link Snn}): as a constant current ({@link #DIRECT}), as random spike trains whose rate is the
 * intensity ({@link #RATE}, {@link #rateCode}) or as one spike per pixel whose time is the intensity
 * ({@link #LATENCY}, {@link #latencyCode}). J. K. Eshraghian et al., "Training spiking neural networks using
 * lessons from deep learning", Proc. IEEE 111(9), 2023, section 3.
 */
public enum SpikeCoding {
    /** The intensity is a constant input current at every step; the first LIF layer does the encoding. */
    DIRECT,
    /** Rate code: at each step a pixel spikes with probability {@code gain * intensity} (Bernoulli). */
    RATE,
    /** Latency code: each pixel above 0.01 spikes once, brighter pixels earlier ({@link #latencyCode}). */
    LATENCY;

    /**
     * @param flat  intensities {@code (batch, features)} in [0, 1]
     * @param steps number of time steps {@code T}
     * @param gain  the rate code's gain (unused by the others)
     * @return spikes {@code (T, batch, features)}, or {@code flat} itself for {@link #DIRECT}
     */
    public NDArray encode(NDArray flat, int steps, float gain) {
        switch (this) {
            case RATE:
                return rateCode(flat, steps, gain);
            case LATENCY:
                return latencyCode(flat, steps);
            default:
                return flat;
        }
    }

    /**
     * Rate coding: each value {@code x} in [0, 1] becomes a Bernoulli spike train, spiking at each step with
     * probability {@code min(1, gain * x)}. Random numbers come from the engine's seeded generator.
     *
     * @param x any shape, values in [0, 1]
     * @return spikes {@code (steps, x.shape...)}, 0/1 float32
     */
    public static NDArray rateCode(NDArray x, int steps, float gain) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(gain > 0)) {
            throw new IllegalArgumentException("gain must be positive, got " + gain);
        }
        // excerpt-begin: rate-code
        NDArray p = x.mul(gain).clip(0f, 1f);
        NDArray u = x.getManager().randomUniform(0f, 1f, new Shape(steps).addAll(x.getShape()));
        return u.lt(p.expandDims(0)).toType(DataType.FLOAT32, false);
        // excerpt-end: rate-code
    }

    /**
     * Latency (time-to-first-spike) coding, linear: a value {@code x > 0.01} spikes once, at step
     * {@code round((1 - x) (steps - 1))}; brighter means earlier; values at or below 0.01 never spike.
     *
     * @return spikes {@code (steps, x.shape...)}, at most one per value
     */
    public static NDArray latencyCode(NDArray x, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        // excerpt-begin: latency-code
        NDArray when = x.clip(0f, 1f).neg().add(1f).mul((float) (steps - 1)).round();
        NDArray active = x.gt(0.01f);
        long[] ones = new long[x.getShape().dimension()];
        Arrays.fill(ones, 1);
        NDArray time = x.getManager().arange(0f, (float) steps).reshape(new Shape(steps).addAll(new Shape(ones)));
        return time.eq(when.expandDims(0)).logicalAnd(active.expandDims(0)).toType(DataType.FLOAT32, false);
        // excerpt-end: latency-code
    }
}

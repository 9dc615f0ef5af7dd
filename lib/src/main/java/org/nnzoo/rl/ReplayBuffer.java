package org.nnzoo.rl;

import java.util.SplittableRandom;

/**
 * Experience replay (L.-J. Lin, "Self-improving reactive agents based on reinforcement learning, planning
 * and teaching", Machine Learning 8, 1992; used by DQN): a ring buffer of the last {@code capacity}
 * transitions {@code (s, a, r, s', terminated)}, from which training batches are drawn uniformly at random
 * (with replacement, as in Stable-Baselines3 / CleanRL). Stored as primitive arrays, so the buffer holds
 * no native memory; a batch becomes NDArrays only inside one update's scoped manager.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int obsSize;
    private final float[] obs;
    private final float[] nextObs;
    private final int[] actions;
    private final float[] rewards;
    private final boolean[] terminated;
    private int size;
    private int next;
    private long added;

    /**
     * @param capacity number of transitions kept (the oldest are overwritten)
     * @param obsSize  length of an observation
     */
    public ReplayBuffer(int capacity, int obsSize) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (obsSize < 1) {
            throw new IllegalArgumentException("obsSize must be at least 1, got " + obsSize);
        }
        this.capacity = capacity;
        this.obsSize = obsSize;
        obs = new float[capacity * obsSize];
        nextObs = new float[capacity * obsSize];
        actions = new int[capacity];
        rewards = new float[capacity];
        terminated = new boolean[capacity];
    }

    /**
     * Stores one transition (observations are copied; rounded to float32 like Gymnasium's observations).
     *
     * @param terminated true only for a real terminal state; a time-limit truncation is stored as false so
     *                   that the target still bootstraps from {@code s'}
     */
    public void add(double[] s, int action, double reward, double[] sNext, boolean terminated) {
        if (s.length != obsSize || sNext.length != obsSize) {
            throw new IllegalArgumentException("observations must have " + obsSize + " values, got " + s.length
                    + " and " + sNext.length);
        }
        int base = next * obsSize;
        for (int i = 0; i < obsSize; i++) {
            obs[base + i] = (float) s[i];
            nextObs[base + i] = (float) sNext[i];
        }
        actions[next] = action;
        rewards[next] = (float) reward;
        this.terminated[next] = terminated;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
        added++;
    }

    /** @return transitions currently stored */
    public int size() {
        return size;
    }

    /** @return transitions ever added */
    public long added() {
        return added;
    }

    /** @return the capacity */
    public int capacity() {
        return capacity;
    }

    /** @return length of one observation */
    public int obsSize() {
        return obsSize;
    }

    /**
     * Draws {@code n} transitions uniformly with replacement.
     *
     * @throws IllegalStateException when the buffer is empty
     */
    public Batch sample(int n, SplittableRandom random) {
        if (size == 0) {
            throw new IllegalStateException("the replay buffer is empty: add transitions before sampling");
        }
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + n);
        }
        Batch b = new Batch(n, obsSize);
        for (int k = 0; k < n; k++) {
            int i = random.nextInt(size);
            b.index[k] = i;
            System.arraycopy(obs, i * obsSize, b.obs, k * obsSize, obsSize);
            System.arraycopy(nextObs, i * obsSize, b.nextObs, k * obsSize, obsSize);
            b.actions[k] = actions[i];
            b.rewards[k] = rewards[i];
            b.terminated[k] = terminated[i] ? 1f : 0f;
        }
        return b;
    }

    /** A sampled batch in flat, row-major arrays, ready for {@code NDManager.create(float[], Shape)}. */
    public static final class Batch {
        /** Slot of each sampled transition in the buffer. */
        public final int[] index;
        public final float[] obs;
        public final float[] nextObs;
        public final int[] actions;
        public final float[] rewards;
        /** 1 for a terminal transition, else 0. */
        public final float[] terminated;

        Batch(int n, int obsSize) {
            index = new int[n];
            obs = new float[n * obsSize];
            nextObs = new float[n * obsSize];
            actions = new int[n];
            rewards = new float[n];
            terminated = new float[n];
        }

        /** @return number of transitions */
        public int size() {
            return actions.length;
        }
    }
}

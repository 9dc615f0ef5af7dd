package org.nnzoo.models.ndp;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.RlLoop;

/**
 * The LNDP's fitness on CartPole-v1, as in Plantec et al.'s {@code MultiEpisodeGymnaxTask}: one lifetime is a
 * newborn network (random initial graph from the lifetime's seed), its spontaneous-activity phase, then
 * {@code episodes} episodes in a row with the network carried over from one to the next (paper: 3); the fitness
 * is the mean return of the lifetime's episodes.
 */
public final class LndpCartPole implements Evolution.Task {

    private final Lndp lndp;
    private final int episodes;
    private final int validationLifetimes;
    private final long validationSeed;
    private final LongAdder steps = new LongAdder();

    /**
     * @param episodes            episodes per lifetime
     * @param validationLifetimes lifetimes averaged by {@link #validate}
     * @param validationSeed      seed of the validation lifetimes (the same at every check)
     */
    public LndpCartPole(Lndp lndp, int episodes, int validationLifetimes, long validationSeed) {
        if (episodes < 1 || validationLifetimes < 1) {
            throw new IllegalArgumentException("episodes and validationLifetimes must be at least 1, got "
                    + episodes + " and " + validationLifetimes);
        }
        this.lndp = lndp;
        this.episodes = episodes;
        this.validationLifetimes = validationLifetimes;
        this.validationSeed = validationSeed;
    }

    @Override
    public int genomeSize() {
        return lndp.genomeSize();
    }

    /**
     * One lifetime.
     *
     * @param seed        seed of the network's initial graph and noise, and of the episodes' start states
     * @param episodes    episodes in the lifetime
     * @param plastic     whether the rules run during the episodes
     * @param spontaneous whether the spontaneous-activity phase runs before the first episode
     * @return the return of each episode, in order
     */
    public double[] lifetime(double[] genome, long seed, int episodes, boolean plastic, boolean spontaneous) {
        SplittableRandom r = new SplittableRandom(seed);
        Lndp.Network net = lndp.newborn(genome, r.nextLong()).plastic(plastic);
        if (spontaneous) {
            net.spontaneousActivity();
        }
        return Episodes.run(new CartPole(), net, episodes, r.nextLong(), steps);
    }

    @Override
    public double fitness(double[] genome, long seed) {
        return RlLoop.mean(lifetime(genome, seed, episodes, true, lndp.config().devSteps > 0));
    }

    @Override
    public double validate(double[] genome) {
        double s = 0;
        SplittableRandom r = new SplittableRandom(validationSeed);
        for (int l = 0; l < validationLifetimes; l++) {
            s += fitness(genome, r.nextLong());
        }
        return s / validationLifetimes;
    }

    @Override
    public long envSteps() {
        return steps.sum();
    }
}

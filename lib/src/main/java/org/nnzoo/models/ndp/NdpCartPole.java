package org.nnzoo.models.ndp;

import java.util.concurrent.atomic.LongAdder;

import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.RlLoop;

/**
 * The NDP's fitness on CartPole-v1, as in Najarro et al.'s {@code fitness_functional}: grow the network from the
 * genome; a network with fewer nodes than inputs + outputs scores {@code size - (inputs + outputs)} (negative,
 * and better the closer it is); otherwise the score is the mean return of {@code episodes} episodes of the grown
 * policy (the paper's {@code nb_episode_evals} = 10).
 */
public final class NdpCartPole implements Evolution.Task {

    private final Ndp ndp;
    private final int episodes;
    private final int validationEpisodes;
    private final long validationSeed;
    private final LongAdder steps = new LongAdder();

    /**
     * @param episodes           episodes per fitness evaluation
     * @param validationEpisodes episodes of {@link #validate}
     * @param validationSeed     seed of the validation episodes (the same episodes at every check)
     */
    public NdpCartPole(Ndp ndp, int episodes, int validationEpisodes, long validationSeed) {
        if (episodes < 1 || validationEpisodes < 1) {
            throw new IllegalArgumentException("episodes and validationEpisodes must be at least 1, got "
                    + episodes + " and " + validationEpisodes);
        }
        this.ndp = ndp;
        this.episodes = episodes;
        this.validationEpisodes = validationEpisodes;
        this.validationSeed = validationSeed;
    }

    @Override
    public int genomeSize() {
        return ndp.genomeSize();
    }

    @Override
    public double fitness(double[] genome, long seed) {
        DevGraph grown = ndp.grow(genome);
        if (grown.size() < ndp.minNodes()) {
            return grown.size() - ndp.minNodes();
        }
        return RlLoop.mean(Episodes.run(new CartPole(), ndp.policy(grown), episodes, seed, steps));
    }

    @Override
    public double validate(double[] genome) {
        double[] r = evaluate(genome, validationEpisodes, validationSeed);
        return r == null ? ndp.grow(genome).size() - ndp.minNodes() : RlLoop.mean(r);
    }

    /**
     * @return the returns of {@code n} episodes of the grown policy (first reset with {@code seed}), or null when
     *         the genome grows too small a network
     */
    public double[] evaluate(double[] genome, int n, long seed) {
        GrownPolicy p = ndp.policy(ndp.grow(genome));
        return p == null ? null : Episodes.run(new CartPole(), p, n, seed, steps);
    }

    @Override
    public long envSteps() {
        return steps.sum();
    }
}

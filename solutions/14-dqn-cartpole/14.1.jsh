// Exercise 14.1: the TD targets of a mini-batch, y[j] = r[j] + gamma (1 - d[j]) max_a Q(s'_j, a; theta-).
Chapter14.TdTarget myTarget = (rewards, terminated, nextQ, gamma) -> {
    double[] y = new double[rewards.length];
    for (int j = 0; j < y.length; j++) {
        double best = Double.NEGATIVE_INFINITY;
        for (float q : nextQ[j]) best = Math.max(best, q);
        y[j] = rewards[j] + (terminated[j] ? 0 : gamma * best);
    }
    return y;
};
Exercise.check("14.1", myTarget);

// Exercise 12.1: one ancestral (DDPM) step, x_t -> x_{t-1}, through the clipped prediction of x_0.
Chapter12.AncestralStep myStep = (x, eps, t, beta, alphaBar, z) -> {
    double ab = alphaBar[t], abPrev = t > 0 ? alphaBar[t - 1] : 1.0, alpha = 1 - beta[t];
    double c0 = Math.sqrt(abPrev) * beta[t] / (1 - ab);               // posterior mean = c0 x_0 + ct x_t
    double ct = Math.sqrt(alpha) * (1 - abPrev) / (1 - ab);
    double sigma = t > 0 ? Math.sqrt(beta[t] * (1 - abPrev) / (1 - ab)) : 0;   // sqrt(beta~_t); none at the last step
    float[] out = new float[x.length];
    for (int j = 0; j < x.length; j++) {
        double x0 = Math.max(-1, Math.min(1, (x[j] - Math.sqrt(1 - ab) * eps[j]) / Math.sqrt(ab)));
        out[j] = (float) (c0 * x0 + ct * x[j] + sigma * z[j]);
    }
    return out;
};
Exercise.check("12.1", myStep);

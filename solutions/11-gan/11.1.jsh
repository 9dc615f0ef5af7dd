// Exercise 11.1: the discriminator's loss and the generator's non-saturating loss, from D's logits.
// log D = log sigmoid(a) = -softplus(-a) and log(1 - D) = -softplus(a), softplus(u) = max(u, 0) + log(1 + e^-|u|).
Chapter11.GanLosses myLosses = (realLogits, fakeLogits) -> {
    java.util.function.DoubleUnaryOperator softplus = u -> Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    double real = 0, fake = 0, gen = 0;
    for (float a : realLogits) real += softplus.applyAsDouble(-a);   // -log D(x)
    for (float a : fakeLogits) {
        fake += softplus.applyAsDouble(a);                           // -log(1 - D(G(z)))
        gen += softplus.applyAsDouble(-a);                           // -log D(G(z))
    }
    return new double[] {real / realLogits.length + fake / fakeLogits.length, gen / fakeLogits.length};
};
Exercise.check("11.1", myLosses);

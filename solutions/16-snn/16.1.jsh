// Exercise 16.1: one LIF neuron over time, from rest.
Chapter16.LifNeuron myLif = (current, beta, threshold, reset) -> {
    int steps = current.length;
    double[] u = new double[steps];
    int[] s = new int[steps];
    double prev = 0;     // U[t-1], at rest before the first step
    int fired = 0;       // S[t-1]
    for (int t = 0; t < steps; t++) {
        double v = reset == Snn.Reset.SUBTRACT
                ? beta * prev + current[t] - fired * threshold      // reset by subtraction
                : beta * prev * (1 - fired) + current[t];           // reset to zero
        fired = v > threshold ? 1 : 0;                              // S[t] = H(U[t] - theta)
        u[t] = v;
        s[t] = fired;
        prev = v;
    }
    return new Snn.Trace(u, s);
};
Exercise.check("16.1", myLif);

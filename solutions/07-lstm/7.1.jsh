// Exercise 7.1: one LSTM step for one sequence; the gates' weights are stacked by rows i, f, g, o.
Chapter07.LstmStep myStep = (x, h, c, wIh, wHh, bIh, bHh) -> {
    int hidden = h.length;
    float[] hNext = new float[hidden], cNext = new float[hidden];
    for (int u = 0; u < hidden; u++) {
        double[] pre = new double[4];                          // pre-activations of gates i, f, g, o for unit u
        for (int k = 0; k < 4; k++) {
            int row = k * hidden + u;
            pre[k] = bIh[row] + bHh[row];
            for (int j = 0; j < x.length; j++) pre[k] += wIh[row][j] * x[j];
            for (int j = 0; j < hidden; j++) pre[k] += wHh[row][j] * h[j];
        }
        double i = 1 / (1 + Math.exp(-pre[0])), f = 1 / (1 + Math.exp(-pre[1]));
        double g = Math.tanh(pre[2]), o = 1 / (1 + Math.exp(-pre[3]));
        double cu = f * c[u] + i * g;                          // the additive memory path
        cNext[u] = (float) cu;
        hNext[u] = (float) (o * Math.tanh(cu));
    }
    return new float[][] {hNext, cNext};
};
Exercise.check("7.1", myStep);

// Exercise 6.1: one GRU step for one sequence; the gates' weights are stacked by rows r, z, n.
Chapter06.GruStep myStep = (x, h, wIh, wHh, bIh, bHh) -> {
    int hidden = h.length;
    float[] next = new float[hidden];
    for (int i = 0; i < hidden; i++) {
        double[] gx = new double[3], gh = new double[3];      // W_i{r,z,n} x + b_i and W_h{r,z,n} h + b_h, unit i
        for (int k = 0; k < 3; k++) {
            int row = k * hidden + i;
            gx[k] = bIh[row];
            gh[k] = bHh[row];
            for (int j = 0; j < x.length; j++) gx[k] += wIh[row][j] * x[j];
            for (int j = 0; j < hidden; j++) gh[k] += wHh[row][j] * h[j];
        }
        double r = 1 / (1 + Math.exp(-(gx[0] + gh[0])));
        double z = 1 / (1 + Math.exp(-(gx[1] + gh[1])));
        double n = Math.tanh(gx[2] + r * gh[2]);              // the reset gate scales W_hn h + b_hn, bias included
        next[i] = (float) ((1 - z) * n + z * h[i]);
    }
    return next;
};
Exercise.check("6.1", myStep);

// Exercise 5.1: one step of the Elman cell, h' = tanh(W_ih x + b_ih + W_hh h + b_hh), for one sequence.
Chapter05.RnnStep myStep = (x, h, wIh, wHh, bIh, bHh) -> {
    int hidden = h.length;
    float[] next = new float[hidden];
    for (int i = 0; i < hidden; i++) {
        double acc = bIh[i] + bHh[i];
        for (int j = 0; j < x.length; j++) acc += wIh[i][j] * x[j];   // row i of W_ih meets x
        for (int j = 0; j < hidden; j++) acc += wHh[i][j] * h[j];     // row i of W_hh meets h
        next[i] = (float) Math.tanh(acc);
    }
    return next;
};
Exercise.check("5.1", myStep);

// Exercise 2.1: the backward pass of the two-layer tanh network with a softmax cross-entropy loss.
Chapter02.Backward myBackward = (x, y, h, p, w2) -> {
    int n = x.length, d = x[0].length, hid = h[0].length, out = p[0].length;
    double[][] dw1 = new double[d][hid], dw2 = new double[hid][out];
    double[] db1 = new double[hid], db2 = new double[out];
    for (int i = 0; i < n; i++) {
        double[] dz = new double[out];                       // dL/dZ = (P - Y) / n
        for (int k = 0; k < out; k++) {
            dz[k] = (p[i][k] - (k == y[i] ? 1 : 0)) / n;
            db2[k] += dz[k];                                 // db2 = column sums of dZ
        }
        for (int j = 0; j < hid; j++) {
            double dh = 0;                                   // dL/dH = dZ W2^T
            for (int k = 0; k < out; k++) {
                dw2[j][k] += h[i][j] * dz[k];                // dW2 = H^T dZ
                dh += dz[k] * w2[j][k];
            }
            double da = dh * (1 - h[i][j] * h[i][j]);        // through tanh: tanh' = 1 - H^2
            db1[j] += da;
            for (int f = 0; f < d; f++) dw1[f][j] += x[i][f] * da;   // dW1 = X^T dA
        }
    }
    return new Chapter02.Gradients(dw1, db1, dw2, db2);
};
Exercise.check("2.1", myBackward);

// Exercise 15.1: one pointer step, p[j] = softmax_j(v . tanh(W1 e_j + W2 d) + M_j).
Chapter15.Pointer myPointer = (e, d, w1, w2, v, pointed) -> {
    int n = e.length, h = d.length;
    double[] u = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
        for (int k = 0; k < h; k++) {
            double z = 0;
            for (int l = 0; l < h; l++) z += w1[k][l] * e[j][l] + w2[k][l] * d[l];
            u[j] += v[k] * Math.tanh(z);
        }
        if (pointed[j]) u[j] = Double.NEGATIVE_INFINITY;   // M_j: never point twice
        max = Math.max(max, u[j]);
    }
    double[] p = new double[n];
    double sum = 0;
    for (int j = 0; j < n; j++) {
        p[j] = Math.exp(u[j] - max);   // minus the max: exp cannot overflow, the softmax is unchanged
        sum += p[j];
    }
    for (int j = 0; j < n; j++) p[j] /= sum;
    return p;
};
Exercise.check("15.1", myPointer);

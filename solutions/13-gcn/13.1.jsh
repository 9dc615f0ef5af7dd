// Exercise 13.1: one graph convolution, Â H W with Â = D̃^-1/2 (A + I) D̃^-1/2, from an edge list.
Chapter13.Propagation myPropagation = (n, source, target, h, w) -> {
    int in = w.length, out = w[0].length;
    double[] d = new double[n];                           // d̃_i = 1 + degree(i): the self-loop counts
    Arrays.fill(d, 1);
    for (int e = 0; e < source.length; e++) { d[source[e]]++; d[target[e]]++; }
    float[][] hw = new float[n][out];                     // H W first: narrower than H
    for (int i = 0; i < n; i++)
        for (int k = 0; k < in; k++)
            for (int u = 0; u < out; u++) hw[i][u] += h[i][k] * w[k][u];
    float[][] y = new float[n][out];
    for (int i = 0; i < n; i++)                           // the self-loop: Â_ii = 1 / d̃_i
        for (int u = 0; u < out; u++) y[i][u] += (float) (hw[i][u] / d[i]);
    for (int e = 0; e < source.length; e++) {             // each edge, both directions: Â_ij = 1 / sqrt(d̃_i d̃_j)
        int i = source[e], j = target[e];
        double a = 1 / Math.sqrt(d[i] * d[j]);
        for (int u = 0; u < out; u++) {
            y[i][u] += (float) (a * hw[j][u]);
            y[j][u] += (float) (a * hw[i][u]);
        }
    }
    return y;
};
Exercise.check("13.1", myPropagation);

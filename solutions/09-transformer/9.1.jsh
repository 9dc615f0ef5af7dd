// Exercise 9.1: scaled dot-product attention for one head, with an optional causal mask.
Chapter09.Attention myAttention = (q, k, v, causal) -> {
    int tq = q.length, tk = k.length, d = q[0].length, dv = v[0].length;
    float[][] out = new float[tq][dv];
    for (int i = 0; i < tq; i++) {
        double[] s = new double[tk];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
            if (causal && j > i) { s[j] = Double.NEGATIVE_INFINITY; continue; }   // the future is hidden
            for (int e = 0; e < d; e++) s[j] += q[i][e] * k[j][e];
            s[j] /= Math.sqrt(d);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < tk; j++) { s[j] = Math.exp(s[j] - max); sum += s[j]; }    // softmax over the keys
        for (int j = 0; j < tk; j++)
            for (int c = 0; c < dv; c++) out[i][c] += (float) (s[j] / sum * v[j][c]);
    }
    return out;
};
Exercise.check("9.1", myAttention);

// Exercise 17.1: the NDP's message passing, s_i <- f(sum_j w_ji s_j), `times` synchronous passes.
Chapter17.MessagePassing myPassing = (w, s, f, times) -> {
    int n = s.length, d = s[0].length;
    double[][] cur = s;
    for (int t = 0; t < times; t++) {
        double[][] next = new double[n][];          // every node reads the states of the previous pass
        for (int i = 0; i < n; i++) {
            double[] m = new double[d];
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) m[k] += w[j][i] * cur[j][k];   // m_i = sum_j w_ji s_j
            }
            next[i] = f.apply(m);                    // s_i = f(m_i)
        }
        cur = next;
    }
    return cur;
};
Exercise.check("17.1", myPassing);

// Exercise 16.2: pair-based STDP with exponential traces, dw[j][i] for given spike trains.
Chapter16.StdpTraces mySTDP = (rule, pre, post) -> {
    int n = pre[0].length, m = post[0].length;
    double[][] dw = new double[m][n];
    double[] x = new double[n];   // pre traces
    double[] y = new double[m];   // post traces
    for (int t = 0; t < pre.length; t++) {
        for (int i = 0; i < n; i++) x[i] *= Math.exp(-1 / rule.tauPlus());
        for (int j = 0; j < m; j++) y[j] *= Math.exp(-1 / rule.tauMinus());
        for (int i = 0; i < n; i++) {
            if (!pre[t][i]) continue;
            for (int j = 0; j < m; j++) dw[j][i] -= rule.aMinus() * y[j];   // post before pre: depression
            x[i] += 1;
        }
        for (int j = 0; j < m; j++) {
            if (!post[t][j]) continue;
            for (int i = 0; i < n; i++) dw[j][i] += rule.aPlus() * x[i];    // pre before (or with) post: potentiation
            y[j] += 1;
        }
    }
    return dw;
};
Exercise.check("16.2", mySTDP);

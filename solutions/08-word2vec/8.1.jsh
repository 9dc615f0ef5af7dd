// Exercise 8.1: one negative-sampling step (skip-gram), exact sigmoid.
Chapter08.SgnsStep myStep = (h, u, alpha) -> {
    float[] neu1e = new float[h.length];                  // accumulates -alpha dL/dh
    for (int t = 0; t < u.length; t++) {
        float f = 0;
        for (int i = 0; i < h.length; i++) f += u[t][i] * h[i];        // u_t . h
        float label = t == 0 ? 1f : 0f;                                 // y_t: true word 1, noise words 0
        float g = (label - (float) (1 / (1 + Math.exp(-f)))) * alpha;   // -alpha dL/d(u_t . h)
        for (int i = 0; i < h.length; i++) {
            float old = u[t][i];
            neu1e[i] += g * old;                          // with the old u_t
            u[t][i] = old + g * h[i];                     // u_t -= alpha dL/du_t
        }
    }
    return neu1e;
};
Exercise.check("8.1", myStep);

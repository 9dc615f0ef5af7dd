// Exercise 3.2: max-pooling for one image, in loops.
Chapter03.MaxPool myPool = (x, k, stride) -> {
    int c = x.length, h = x[0].length, wd = x[0][0].length;
    int oh = (h - k) / stride + 1, ow = (wd - k) / stride + 1;
    float[][][] y = new float[c][oh][ow];
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) max = Math.max(max, x[ch][i * stride + u][j * stride + v]);
                y[ch][i][j] = max;
            }
    return y;
};
Exercise.check("3.2", myPool);

// Exercise 3.1: a convolution layer's forward pass for one image, in loops.
Chapter03.Conv myConv = (x, w, b, stride, padding) -> {
    int c = x.length, h = x[0].length, wd = x[0][0].length;
    int f = w.length, kh = w[0][0].length, kw = w[0][0][0].length;
    int oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1;
    float[][][] y = new float[f][oh][ow];
    for (int o = 0; o < f; o++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                double acc = b[o];
                for (int ch = 0; ch < c; ch++)
                    for (int u = 0; u < kh; u++)
                        for (int v = 0; v < kw; v++) {
                            int r = i * stride + u - padding, col = j * stride + v - padding;
                            if (r >= 0 && r < h && col >= 0 && col < wd) acc += w[o][ch][u][v] * x[ch][r][col];
                        }
                y[o][i][j] = (float) acc;
            }
    return y;
};
Exercise.check("3.1", myConv);

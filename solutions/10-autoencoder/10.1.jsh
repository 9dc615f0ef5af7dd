// Exercise 10.1: nearest-neighbour 2x upsampling, each value repeated in a 2x2 block.
Chapter10.Upsample myUpsample = x -> {
    int c = x.length, h = x[0].length, w = x[0][0].length;
    float[][][] y = new float[c][2 * h][2 * w];
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < 2 * h; i++)
            for (int j = 0; j < 2 * w; j++) y[ch][i][j] = x[ch][i / 2][j / 2];
    return y;
};
Exercise.check("10.1", myUpsample);

// Exercise 1.1: the perceptron rule for one sample.
Chapter01.Rule myRule = (w, b, x, y, learningRate) -> {
    double score = b;
    for (int k = 0; k < w.length; k++) score += w[k] * x[k];
    if (y * score <= 0) {                    // a mistake, or exactly on the boundary
        for (int k = 0; k < w.length; k++) w[k] += learningRate * y * x[k];
        return b + learningRate * y;
    }
    return b;                                // correctly classified: nothing changes
};
Exercise.check("1.1", myRule);

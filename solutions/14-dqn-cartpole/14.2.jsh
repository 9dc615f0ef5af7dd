// Exercise 14.2: the mean Huber loss, 1/2 d^2 up to delta and delta (|d| - delta / 2) beyond.
Chapter14.Huber myHuber = (prediction, label, delta) -> {
    double total = 0;
    for (int j = 0; j < prediction.length; j++) {
        double size = Math.abs((double) prediction[j] - label[j]);
        total += size <= delta ? 0.5 * size * size : delta * (size - 0.5 * delta);
    }
    return total / prediction.length;
};
Exercise.check("14.2", myHuber);

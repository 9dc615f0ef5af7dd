// Exercise 4.1: a basic residual block, y = relu(F(x) + shortcut(x)), F(x) = BN(w2 * relu(BN(w1 * x))).
Chapter04.ResidualBlock myBlock = (x, w1, w2, ws, stride) -> {
    NDArray f = Chapter04.convBn(x, w1, stride);                 // the first convolution carries the stride
    f = Chapter04.convBn(Activation.relu(f), w2, 1);              // F(x)
    NDArray shortcut = ws == null ? x : Chapter04.convBn(x, ws, stride);  // identity, or the 1x1 projection
    return Activation.relu(f.add(shortcut));                     // add first, then the ReLU
};
Exercise.check("4.1", myBlock);

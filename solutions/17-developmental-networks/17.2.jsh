// Exercise 17.2: the LNDP's gated update of a node state's component or a synapse's weight.
Chapter17.GatedUpdate myGate = (old, uz, bz, uc, bc, v) -> {
    double gate = bz, cand = bc;
    for (int i = 0; i < v.length; i++) {
        gate += uz[i] * v[i];
        cand += uc[i] * v[i];
    }
    double z = 1 / (1 + Math.exp(-gate));   // z = sigma(uz . v + bz): how much to replace
    double c = Math.tanh(cand);             // c = tanh(uc . v + bc): the candidate
    return (1 - z) * old + z * c;
};
Exercise.check("17.2", myGate);

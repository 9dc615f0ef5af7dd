package org.nnzoo.models.word2vec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Skip-gram with negative sampling as a DJL block (see {@link Autograd#block}). */
final class SgnsBlock extends AbstractBlock {
    private final Parameter in;
    private final Parameter out;

    SgnsBlock(int vocab, int dim) {
        in = addParameter(Parameter.builder().setName("input_vectors")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(vocab, dim)).build());
        out = addParameter(Parameter.builder().setName("output_vectors")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(vocab, dim)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray rows = inputs.singletonOrThrow().toType(DataType.INT64, false);
        NDArray v = ps.getValue(in, rows.getDevice(), training);
        NDArray u = ps.getValue(out, rows.getDevice(), training);
        NDArray context = rows.get(":, 0");
        NDArray targets = rows.get(":, 1:");
        NDArray h = Embedding.embedding(context, v, SparseFormat.DENSE).head();        // h = v_context
        NDArray ut = Embedding.embedding(targets, u, SparseFormat.DENSE).head();       // u_t for each target
        return new NDList(ut.mul(h.expandDims(1)).sum(new int[] {2}));                 // (B, k+1): u_t . h
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1) - 1)};
    }
}

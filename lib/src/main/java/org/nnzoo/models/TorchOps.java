package org.nnzoo.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch operations that DJL 0.35.1 does not expose, each one native call: {@link #groupNorm}
 * ({@code torch.group_norm}) and {@link #silu} ({@code torch.silu}), with PyTorch's own fused forward and backward,
 * {@link #sparseDropout} (dropout of a sparse matrix's stored entries, for the GCN's input features) and
 * {@link #conv2dIm2col} (a convolution by im2col and matrix products, for {@link StridedConv2d} in the reproducible
 * mode).
 *
 * <p>DJL's PyTorch engine binds a fixed list of ATen operations, and none of these is on it; built from the ones
 * that are, group normalisation is a layer normalisation plus a per-channel affine (whose backward is two more
 * full-size products and two reductions) and SiLU is {@code x * sigmoid(x)}: about a fifth of a diffusion U-Net's
 * training step more than PyTorch's fused kernels (BENCHMARKS.md). DJL can, however, load a TorchScript module and
 * run its {@code forward} with autograd. So each operation here is a one-line TorchScript module, written as a
 * TorchScript archive (a zip of the module's source text and two small pickles, the format {@code torch.jit.save}
 * writes) and loaded once per JVM; calling it is one native call that runs the ATen operation, recorded by autograd
 * like any other. The graph executor's optimisations are switched off for these calls, so the interpreter runs
 * exactly the named operation and autograd its ordinary backward (no scripted gradient formulas).
 *
 * <p>{@code TorchOpsTest} checks the first two against their definitions (the group statistics in double precision)
 * and against the compositions above (forward and every gradient), and that repeated calls give the same bits; the
 * third for which entries it keeps, their scale, the kept fraction, the mask per seed and the gradient of a product
 * with it. {@code StridedConv2dTest} checks the fourth against DJL's convolution (output and every gradient).
 */
public final class TorchOps {

    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static final Pattern PLAIN_NAME = Pattern.compile("\\w*");

    private TorchOps() {
    }

    /**
     * Group normalisation (Y. Wu, K. He, ECCV 2018): each image's channels split into {@code groups} groups,
     * each group normalised to mean 0 and variance 1 over its channels and pixels, then scaled and shifted per
     * channel: {@code torch.group_norm(x, groups, gamma, beta, eps)}.
     *
     * @param x      input {@code (N, C, ...)}
     * @param groups number of groups, dividing {@code C}
     * @param gamma  per-channel scale {@code (C)}
     * @param beta   per-channel shift {@code (C)}
     * @param eps    added to the variance
     * @return an array of the shape of {@code x}
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, double eps) {
        long c = x.getShape().dimension() < 2 ? -1 : x.getShape().get(1);
        if (groups < 1 || c < 1 || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm needs x of shape (N, C, ...) with C a multiple of groups ("
                    + groups + "), got " + x.getShape());
        }
        if (gamma.getShape().size() != c || beta.getShape().size() != c) {
            throw new IllegalArgumentException("groupNorm needs gamma and beta of shape (" + c + "), got "
                    + gamma.getShape() + " and " + beta.getShape());
        }
        return call(String.format(Locale.ROOT, "torch.group_norm(x, %d, w, b, %s)", groups, Double.toString(eps)),
                "x: Tensor, w: Tensor, b: Tensor", x, gamma, beta);
    }

    /**
     * SiLU (the sigmoid-weighted linear unit, "swish"): {@code x * sigmoid(x)}, as {@code torch.silu}.
     *
     * @param x input of any shape
     * @return {@code x * sigmoid(x)}
     */
    public static NDArray silu(NDArray x) {
        return call("torch.silu(x)", "x: Tensor", x);
    }

    /**
     * Dropout of a sparse matrix's stored entries: each stored value is zeroed with probability {@code rate} and
     * the others are divided by {@code 1 - rate}, what dropout does to every entry of the dense matrix (the entries
     * not stored are zeros, and stay zero either way), as the {@code sparse_dropout} of Kipf and Welling's GCN code.
     * One native call: {@code torch.sparse_coo_tensor(x._indices(), torch.dropout(x._values(), rate, True),
     * x.size())}, drawing from PyTorch's random generator like DJL's dropout.
     *
     * <p>Each stored entry is dropped on its own, so the positions must be distinct (as {@link FullGraph}'s are);
     * no gradient flows back to {@code x}'s values (the result is built from them detached: {@code x} is data).
     *
     * @param x    a sparse COO matrix, each position stored at most once
     * @param rate the probability of zeroing a stored entry, in [0, 1)
     * @return a sparse COO matrix with the same stored positions
     */
    public static NDArray sparseDropout(NDArray x, double rate) {
        if (x.getSparseFormat() != SparseFormat.COO) {
            throw new IllegalArgumentException("sparseDropout needs a sparse COO matrix, got a " + x.getSparseFormat()
                    + " array of shape " + x.getShape() + "; use DJL's Dropout for dense arrays");
        }
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("sparseDropout needs a rate in [0, 1), got " + rate);
        }
        return call(String.format(Locale.ROOT,
                "torch.sparse_coo_tensor(x._indices(), torch.dropout(x._values(), %s, True), x.size())",
                Double.toString(rate)), "x: Tensor", x);
    }

    /**
     * A 2-D convolution by im2col and matrix products: PyTorch's {@code thnn_conv2d} ({@code slow_conv2d}), which
     * unrolls each image's receptive fields into the columns of a matrix ("im2col") and multiplies it with the
     * kernel, reshaped to a matrix, in oneMKL's GEMM; backward, the input gradient is the kernel's transpose times
     * the output gradient folded back onto the image ("col2im"), and the weight gradient a sum of one GEMM per image,
     * in the images' order. No oneDNN kernel runs, so the order of the additions depends only on oneMKL's code branch
     * (fixed by the reproducible mode) and the shapes: {@link StridedConv2d} trains strided convolutions with it in
     * that mode. The same output as {@code Conv2d.conv2d(x, w, b, stride, padding)} up to rounding.
     *
     * @param x       input {@code (N, C, H, W)}
     * @param w       kernel {@code (O, C, kh, kw)}
     * @param b       bias {@code (O)}, or null
     * @param stride  {@code (sh, sw)}
     * @param padding {@code (ph, pw)}, zeros on both sides
     * @return the output {@code (N, O, (H + 2 ph - kh) / sh + 1, (W + 2 pw - kw) / sw + 1)}
     */
    public static NDArray conv2dIm2col(NDArray x, NDArray w, NDArray b, Shape stride, Shape padding) {
        Shape xs = x.getShape();
        Shape ws = w.getShape();
        if (xs.dimension() != 4 || ws.dimension() != 4 || xs.get(1) != ws.get(1)) {
            throw new IllegalArgumentException("conv2dIm2col needs x (N, C, H, W) and w (O, C, kh, kw) with the same C"
                    + " (no groups: grouped kernels need Conv2d.conv2d), got " + xs + " and " + ws);
        }
        if (b != null && (b.getShape().dimension() != 1 || b.getShape().get(0) != ws.get(0))) {
            throw new IllegalArgumentException("conv2dIm2col needs a bias of shape (" + ws.get(0) + ") or none, got "
                    + b.getShape());
        }
        if (stride.dimension() != 2 || padding.dimension() != 2 || stride.get(0) < 1 || stride.get(1) < 1
                || padding.get(0) < 0 || padding.get(1) < 0) {
            throw new IllegalArgumentException("conv2dIm2col needs a 2-D stride of at least 1 and a 2-D padding of at"
                    + " least 0, got stride " + stride + " and padding " + padding);
        }
        String expression = String.format(Locale.ROOT, "torch.thnn_conv2d(x, w, [%d, %d], %s, [%d, %d], [%d, %d])", ws.get(2),
                ws.get(3), b == null ? "None" : "b", stride.get(0), stride.get(1), padding.get(0), padding.get(1));
        return b == null ? call(expression, "x: Tensor, w: Tensor", x, w)
                : call(expression, "x: Tensor, w: Tensor, b: Tensor", x, w, b);
    }

    /**
     * Runs {@code expression} as the forward of a TorchScript module with parameters {@code signature}, recorded
     * by autograd when a gradient collector is active.
     */
    private static NDArray call(String expression, String signature, NDArray... inputs) {
        for (NDArray a : inputs) {
            // DJL reads structure (dicts, lists, tuples, other methods) from input names; ours are plain tensors
            String name = a.getName();
            if (name != null && !PLAIN_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("TorchOps takes plain tensors; this input is named '" + name
                        + "', which DJL would read as a structure: pass a view without the name");
            }
        }
        PtSymbolBlock module = MODULES.computeIfAbsent(signature + " -> " + expression, k -> load(signature, expression));
        JniUtils.setGraphExecutorOptimize(false); // per thread in libtorch: the interpreter runs the op as written
        return IValueUtils.forward(module, new NDList(inputs), true).singletonOrThrow();
    }

    /** The TorchScript archive of a module whose forward returns {@code expression}, loaded into PyTorch. */
    private static PtSymbolBlock load(String signature, String expression) {
        String code = "class Op(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Op, " + signature + ") -> Tensor:\n"
                + "    return " + expression + "\n";
        try {
            byte[] archive = archive(code);
            return JniUtils.loadModule((PtNDManager) Owner.MANAGER, new ByteArrayInputStream(archive), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not load the TorchScript module for " + expression, e);
        }
    }

    /** Loaded modules live as long as the JVM, in a manager of their own (they hold no tensors), made on first use. */
    private static final class Owner {
        static final NDManager MANAGER = Engine.getEngine("PyTorch").newBaseManager();
    }

    /**
     * A TorchScript archive as {@code torch.jit.save} writes it, for a module without attributes but
     * {@code training}: {@code data.pkl} (the module object: class {@code __torch__.Op}, state
     * {@code {"training": True}}, pickle protocol 2), {@code code/__torch__.py} (its source), {@code constants.pkl}
     * (an empty tuple) and {@code version} (file format 3).
     */
    static byte[] archive(String code) throws IOException {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
        pickle.write(latin1("c__torch__\nOp\n")); // GLOBAL __torch__.Op
        pickle.write(latin1(")\u0081}(")); // EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK
        pickle.write(new byte[] {'X', 8, 0, 0, 0}); // BINUNICODE of 8 bytes
        pickle.write(latin1("training\u0088ub.")); // "training", NEWTRUE, SETITEMS, BUILD, STOP
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, "op/data.pkl", pickle.toByteArray());
            stored(zip, "op/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "op/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, "op/version", latin1("3\n"));
        }
        return out.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}

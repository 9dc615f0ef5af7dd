package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.LeNet;
import org.nnzoo.models.ResNet;
import org.nnzoo.models.RecurrentNetworks;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The reproducible mode in fresh JVMs (it must be set before libtorch loads): every library takes its setting, and a
 * few training steps of a LeNet, a ResNet (strided convolutions) and an LSTM give the same bits when oneMKL and the JVM
 * are capped to AVX2 as well (oneDNN and ATen are capped by the mode itself). What this cannot show, a CPU with other
 * cache sizes, rests on the kernels oneDNN runs: {@link ReproducibleKernelsTest}. The notebooks themselves:
 * {@code environment/reproducibility.py}.
 */
class ReproducibleTest {

    /** Runs {@link Steps} in a fresh JVM with these environment variables and JVM options; returns its standard output. */
    static String childJvm(Map<String, String> env, String... jvmOptions) throws Exception {
        return EngineChildJvm.run(env, List.of(jvmOptions), Steps.class);
    }

    /** What the child JVMs run: 3 training steps of a LeNet and a ResNet, an LSTM forward/backward; prints bit patterns. */
    static final class Steps {
        public static void main(String[] args) throws Exception {
            Engine.getInstance().setRandomSeed(7);
            long hash = 17;
            Map<String, Block> nets = new LinkedHashMap<>();
            nets.put("LeNet", LeNet.build());
            nets.put("ResNet", ResNet.compact(8, 10));
            for (Map.Entry<String, Block> net : nets.entrySet()) {
                hash = trainingSteps(net.getValue(), hash);
                // each part's running hash, so that a mismatch names the first part that differs
                System.out.println("part " + net.getKey() + " " + Long.toHexString(hash));
            }
            try (NDManager m = NDManager.newBaseManager()) {
                Block lstm = RecurrentNetworks.recurrent(RecurrentNetworks.Kind.LSTM, 32, 1, false);
                lstm.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(8, 20, 16));
                NDArray x = m.randomNormal(new Shape(8, 20, 16));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = lstm.forward(new ai.djl.training.ParameterStore(m, false), new NDList(x), true).head();
                    gc.backward(h.square().sum());
                    hash = mix(hash, h);
                }
                for (var p : lstm.getParameters().values()) {
                    hash = mix(hash, p.getArray().getGradient());
                }
            }
            System.out.println("part LSTM " + Long.toHexString(hash));
            System.out.println("hash " + Long.toHexString(hash));
            System.out.println("status " + Reproducible.status());
            System.out.println("describe " + Reproducible.describe());
        }

        /** 3 Adam steps of {@code net} on random MNIST-sized batches; returns the hash with the losses and parameters. */
        private static long trainingSteps(Block net, long hashIn) {
            long hash = hashIn;
            try (Model model = Model.newInstance("steps")) {
                model.setBlock(net);
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(64, 1, 28, 28));
                    for (int step = 0; step < 3; step++) {
                        try (NDManager batch = trainer.getManager().newSubManager();
                                GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray x = batch.randomUniform(0, 1, new Shape(64, 1, 28, 28));
                            NDArray y = batch.randomInteger(0, 10, new Shape(64), ai.djl.ndarray.types.DataType.INT32);
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            gc.backward(loss);
                            trainer.step();
                            hash = hash * 31 + Float.floatToRawIntBits(loss.getFloat());
                        }
                    }
                    for (var p : model.getBlock().getParameters().values()) {
                        hash = mix(hash, p.getArray());
                    }
                }
            }
            return hash;
        }

        private static long mix(long hash, NDArray a) {
            long h = hash;
            for (float f : a.toFloatArray()) {
                h = h * 31 + Float.floatToRawIntBits(f);
            }
            return h;
        }
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no " + prefix + "line) " + out);
    }

    @Test
    void theModeGivesTheSameBitsWithEveryLibraryCappedToAvx2() throws Exception {
        String on = childJvm(Map.of());
        assertTrue(line(on, "status ").startsWith("status on: oneMKL CNR AVX2,STRICT, ATen AVX2 kernels, oneDNN AVX2 kernels"
                + " (strided convolutions trained by im2col and oneMKL), LSTMs trained by oneDNN's reference RNN at 2+ threads, else in ATen, 2 PyTorch threads"), on);
        assertTrue(on.contains("[nnzoo] reproducible mode ("), on);
        String capped = childJvm(Map.of("NNZOO_REPRODUCIBLE", "1", "MKL_ENABLE_INSTRUCTIONS", "AVX2", "ONEDNN_MAX_CPU_ISA",
                "AVX2"), "-XX:UseAVX=2", "-XX:MaxVectorSize=32");
        assertEquals(line(on, "hash "), line(capped, "hash "), on + "\n---\n" + capped);
        assertTrue(line(capped, "describe ").contains("jvm_max_vector_size=32"), capped);
    }

    @Test
    void aConflictingSettingIsReportedAndTheModeIsOnByDefault() throws Exception {
        String conflict = childJvm(Map.of("NNZOO_REPRODUCIBLE", "1", "ATEN_CPU_CAPABILITY", "default"));
        assertTrue(line(conflict, "status ").startsWith("status on, NOT reproducible: ATEN_CPU_CAPABILITY=default (set by"
                + " the caller)"), conflict);
        assertTrue(conflict.contains("[nnzoo] reproducible mode NOT reached"), conflict);
        String avx512 = childJvm(Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"));
        assertTrue(line(avx512, "status ").startsWith("status on, NOT reproducible: ONEDNN_MAX_CPU_ISA=AVX512_CORE (set by"
                + " the caller)"), avx512);
        String lstm = childJvm(Map.of("NNZOO_LSTM_KERNEL", "onednn"));
        assertTrue(line(lstm, "status ").contains("LSTM layers run oneDNN's kernel"), lstm);
        String off = childJvm(Map.of("NNZOO_REPRODUCIBLE", "0"));
        assertEquals("status off", line(off, "status "), off);
        assertFalse(off.contains("[nnzoo] reproducible"), off);
        assertTrue(line(off, "describe ").contains("reproducible_mode=false"), off);
    }
}

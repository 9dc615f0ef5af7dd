package org.nnzoo.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import com.google.gson.JsonPrimitive;

import org.nnzoo.data.Cora;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.models.Adjacency;
import org.nnzoo.models.FullGraph;
import org.nnzoo.models.Gcn;
import org.nnzoo.models.LeNet;
import org.nnzoo.models.Mlp;
import org.nnzoo.models.RecurrentNetworks;
import org.nnzoo.train.BatchSource;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;
import org.nnzoo.train.WeightDecayLoss;

/**
 * The Java side of {@code environment/bench.sh}: trains one of the benchmark models through the library's
 * real training path ({@link Fit} over an {@link InMemoryDataset} or {@link FullGraph}, exactly what the
 * notebooks call) and prints one JSON line with the per-epoch throughput, the thread settings and the peak
 * resident memory of this process. {@code bench_torch.py} does the same in PyTorch (Python) on the same data,
 * which {@code export} writes as raw little-endian arrays.
 *
 * <pre>
 * java ... org.nnzoo.bench.Bench export DIR [--mnist N]
 * java ... org.nnzoo.bench.Bench run MODEL [--samples N] [--epochs E] [--batch B]     MODEL: see {@link #MODELS}
 * </pre>
 * The first epoch is a warm-up and is not counted; the JSON holds the other epochs' samples/s (for the GCN,
 * one epoch = one full-batch step: "samples" are epochs). Thread count: {@code -Dai.djl.pytorch.num_threads}
 * and {@code -Dai.djl.pytorch.num_interop_threads}, reported back as PyTorch sees them.
 */
public final class Bench {

    private Bench() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: Bench export DIR [--mnist N] | Bench run MODEL [--samples N]"
                    + " [--epochs E] [--batch B]");
        }
        Map<String, String> opt = options(args, 2);
        switch (args[0]) {
            case "export" -> export(Path.of(args[1]), Integer.parseInt(opt.getOrDefault("mnist", "60000")));
            case "run" -> run(args[1], opt);
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "': use export or run");
        }
    }

    private static Map<String, String> options(String[] args, int from) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad option '" + args[i] + "': options are --name value");
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    /** Writes the MNIST images/labels and Cora (features, normalised adjacency, labels, train split) for Python. */
    static void export(Path dir, int mnistCount) throws IOException {
        Files.createDirectories(dir);
        ImageSet train = Mnist.digits().train().limit(mnistCount);
        writeFloats(dir.resolve("mnist_x.f32"), train.pixels());
        writeInts(dir.resolve("mnist_y.i32"), train.labels());
        Cora cora = Cora.planetoid();
        Adjacency a = Adjacency.normalized(cora.nodes(), cora.edgeSource(), cora.edgeTarget());
        writeFloats(dir.resolve("cora_x.f32"), cora.features());
        writeInts(dir.resolve("cora_y.i32"), cora.labels());
        writeInts(dir.resolve("cora_train.i32"), cora.trainIndex());
        writeLongs(dir.resolve("cora_adj_rows.i64"), a.rows());
        writeLongs(dir.resolve("cora_adj_cols.i64"), a.cols());
        writeFloats(dir.resolve("cora_adj_values.f32"), a.values());
        SequenceBench.exportText(dir); // the ABC characters of the transformer row
        Files.writeString(dir.resolve("shapes.json"), String.format(Locale.ROOT,
                "{\"mnist\": %d, \"cora_nodes\": %d, \"cora_features\": %d, \"cora_classes\": %d}%n",
                train.count(), cora.nodes(), cora.featureCount(), Cora.CLASSES));
        System.out.println("exported " + train.count() + " MNIST images and Cora (" + cora.nodes() + " nodes) to " + dir);
    }

    /** Every model {@code run} knows. */
    static final String MODELS = "mlp, lenet, lstm, gcn, resnet, unet, transformer, pointer or dqn";

    static void run(String name, Map<String, String> opt) {
        switch (name) {
            case "resnet", "unet" -> {
                ConvBench.run(name, opt);
                return;
            }
            case "transformer", "pointer" -> {
                SequenceBench.run(name, opt);
                return;
            }
            case "dqn" -> {
                DqnBench.run(opt);
                return;
            }
            default -> {
            }
        }
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "4"));
        int batch = Integer.parseInt(opt.getOrDefault("batch", "128"));
        int samples = Integer.parseInt(opt.getOrDefault("samples", "60000"));
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2 (the first is a warm-up), got " + epochs);
        }
        long t0 = System.nanoTime();
        BatchSource data;
        Model model = Model.newInstance(name);
        Loss loss = Loss.softmaxCrossEntropyLoss();
        Optimizer optimizer;
        int perEpoch;
        String unit = "samples";
        switch (name) {
            case "mlp", "lenet", "lstm" -> {
                ImageSet images = Mnist.digits().train().limit(samples);
                data = InMemoryDataset.of(images, batch, true, 42);
                perEpoch = images.count();
                model.setBlock(switch (name) {
                    case "mlp" -> Mlp.build(new int[] {256}, 10);
                    case "lenet" -> LeNet.build();
                    default -> RecurrentNetworks.classifier(RecurrentNetworks.Kind.LSTM, 128, 1, 10, false);
                });
                optimizer = name.equals("lstm") ? Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()
                        : Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            }
            case "gcn" -> {
                Cora cora = Cora.planetoid();
                Adjacency a = Adjacency.normalized(cora.nodes(), cora.edgeSource(), cora.edgeTarget());
                data = new FullGraph(cora.features(), cora.featureCount(), a, cora.trainIndex(), cora.labels());
                Gcn.Net net = Gcn.build(16, Cora.CLASSES, 0.5f);
                model.setBlock(net);
                loss = new WeightDecayLoss(loss, 5e-4f, List.of(net.firstLayer().weight()));
                optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
                perEpoch = 1;
                unit = "epochs";
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "': use " + MODELS);
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        fitAndReport(Fit.of(model, data).loss(loss).optimizer(optimizer).epochs(epochs).accuracy(true), name, unit,
                perEpoch, name.equals("gcn") ? 0 : batch, loadSeconds);
        model.close();
        if (data instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Trains through {@code fit} (seed 42) and prints the {@link #report}: the wall-clock rates from Fit's own epoch
     * times (its training time, without the evaluation), the CPU rates (and, with {@code NNZOO_BENCH_PROFILE}, the
     * profile of epoch 2) from a {@link Clock}.
     *
     * @param perEpoch units (samples, steps, epochs) in one epoch
     * @return the run's history
     */
    static History fitAndReport(Fit fit, String name, String unit, int perEpoch, int batch, double loadSeconds) {
        Clock cpu = new Clock();
        cpu.start();
        History h = fit.seed(42).title("bench " + name).onEpoch((e, hist) -> {
            cpu.stop(perEpoch);
            cpu.start();
        }).run();
        double[] secs = h.values("seconds");
        List<Double> rates = new ArrayList<>();
        for (int e = 1; e < secs.length; e++) {
            rates.add(perEpoch / secs[e]);
        }
        report(name, unit, perEpoch, batch, rates, cpu.cpuRates(), h.last("train_loss"), secs[0], loadSeconds);
        return h;
    }

    /**
     * Prints the one JSON line that {@code bench.py} reads: the rates of every counted epoch (the warm-up epoch
     * excluded), their median, the same per CPU-second of the process, the thread settings, the peak RSS.
     *
     * @param unit what the rates count per second ("samples", "steps", "epochs")
     * @param perEpoch how many units one epoch has
     * @param batch the batch size (0 where there is none)
     */
    public static void report(String name, String unit, int perEpoch, int batch, List<Double> rates,
            List<Double> cpuRates, double finalLoss, double warmupSeconds, double loadSeconds) {
        double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        String json = String.format(Locale.ROOT,
                "{\"side\": \"java\", \"model\": \"%s\", \"unit\": \"%s\", \"per_epoch\": %d, \"batch\": %d,"
                        + " \"rates\": %s, \"median\": %.2f, \"cpu_rates\": %s, \"final_train_loss\": %.5f, \"warmup_seconds\": %.3f,"
                        + " \"load_seconds\": %.3f, \"threads\": %d, \"interop_threads\": %d, \"vmhwm_kb\": %d,"
                        + " \"native_tuning\": %s, \"fused_update\": %s, \"cpu_clock\": \"%s\","
                        + " \"runtime\": \"DJL %s, PyTorch %s, Java %s\"}",
                name, unit, perEpoch, batch,
                rates.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), median,
                cpuRates.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
                finalLoss, warmupSeconds, loadSeconds, JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                peakRssKb(), new JsonPrimitive(org.nnzoo.train.NativeTuning.status()),
                new JsonPrimitive(org.nnzoo.train.OptimizerStep.fusedUpdateStatus()), ProcessCpu.clock(),
                ai.djl.engine.Engine.getDjlVersion(),
                ai.djl.engine.Engine.getInstance().getVersion(), System.getProperty("java.version"));
        System.out.println("BENCH " + json);
    }

    /**
     * The process's CPU time, all threads, in nanoseconds: {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}, the
     * clock of Python's {@code time.process_time()} on the other side. The JVM's own
     * {@code OperatingSystemMXBean.getProcessCpuTime()} counts in 10 ms ticks here, too coarse for an epoch of
     * 15 ms (the GCN's); it is the fallback where the C function cannot be called.
     */
    static final class ProcessCpu {
        private static final int CLOCK_PROCESS_CPUTIME_ID = 2; // Linux
        private static final com.sun.jna.Function CLOCK_GETTIME = find();
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

        private ProcessCpu() {
        }

        private static com.sun.jna.Function find() {
            try { // the clock id and struct timespec {time_t; long} as on 64-bit Linux
                return com.sun.jna.Platform.isLinux() && com.sun.jna.Native.LONG_SIZE == 8
                        ? com.sun.jna.Function.getFunction("c", "clock_gettime") : null;
            } catch (LinkageError e) {
                return null;
            }
        }

        /** @return which clock {@link #nanos} reads, for the benchmark's JSON */
        static String clock() {
            return CLOCK_GETTIME != null ? "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)" : "OperatingSystemMXBean (10 ms ticks)";
        }

        static long nanos() {
            if (CLOCK_GETTIME != null) {
                try (com.sun.jna.Memory ts = new com.sun.jna.Memory(16)) {
                    if (CLOCK_GETTIME.invokeInt(new Object[] {CLOCK_PROCESS_CPUTIME_ID, ts}) == 0) {
                        return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
                    }
                }
            }
            return OS.getProcessCpuTime();
        }
    }

    /**
     * Wall-clock and process-CPU rates of the epochs of a loop that is not {@link Fit} (the DQN, the language
     * model's steps): {@code start()} before an epoch, {@code stop(units)} after it; the first epoch is the warm-up.
     * With {@code NNZOO_BENCH_PROFILE=FILE} PyTorch's profiler records the second epoch into FILE (a Chrome trace);
     * {@code NNZOO_BENCH_PROFILE_SHAPES=1} records the operators' input shapes too.
     */
    public static final class Clock {
        private final List<Double> rates = new ArrayList<>();
        private final List<Double> cpuRates = new ArrayList<>();
        private long wall;
        private long cpu;
        private double warmupSeconds;
        private int epochs;

        private final String profileFile = System.getenv("NNZOO_BENCH_PROFILE");

        public void start() {
            if (profileFile != null && epochs == 1) {
                JniUtils.startProfile(false, "1".equals(System.getenv("NNZOO_BENCH_PROFILE_SHAPES")), false);
            }
            wall = System.nanoTime();
            cpu = ProcessCpu.nanos();
        }

        public void stop(double units) {
            double seconds = (System.nanoTime() - wall) / 1e9;
            double cpuSeconds = (ProcessCpu.nanos() - cpu) / 1e9;
            if (profileFile != null && epochs == 1) {
                JniUtils.stopProfile(profileFile);
            }
            if (epochs++ == 0) {
                warmupSeconds = seconds;
            } else {
                rates.add(units / seconds);
                cpuRates.add(units / Math.max(cpuSeconds, 1e-9));
            }
        }

        public List<Double> rates() {
            return rates;
        }

        public List<Double> cpuRates() {
            return cpuRates;
        }

        public double warmupSeconds() {
            return warmupSeconds;
        }
    }

    /** @return VmHWM (peak resident set size) of this process in kB, from /proc/self/status; -1 elsewhere */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void writeFloats(Path p, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(p, b.array());
    }

    private static void writeInts(Path p, int[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        Files.write(p, b.array());
    }

    private static void writeLongs(Path p, long[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        Files.write(p, b.array());
    }
}

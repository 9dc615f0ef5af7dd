package org.nnzoo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.models.Ddpm;
import org.nnzoo.models.ResNet;
import org.nnzoo.models.UNet;
import org.nnzoo.train.BatchSource;
import org.nnzoo.train.Ema;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.OneCycle;
import org.nnzoo.train.RandomShifts;

/**
 * The benchmark rows {@code resnet} and {@code unet}: the training loops of chapters 4 and 12 as their notebooks run
 * them in the default profile, through the same library calls ({@link Fit} over the chapter's {@link BatchSource}).
 * {@code environment/bench_torch_conv.py} is the same in PyTorch (Python).
 *
 * <ul>
 *   <li>{@code resnet} ({@code notebooks/04-resnet.ipynb}): {@link ResNet#compact}{@code (32, 10)} (3x3 stem, batch
 *       norm, 2x2 max-pool, one basic block at 32, 64, 128 channels, global average pool, linear) on MNIST digits with
 *       {@link RandomShifts} (-2..2 pixels, zero fill), batch 128, Adam with the {@link OneCycle} schedule (peak 3e-3
 *       over the run's updates), softmax cross-entropy, accuracy counted every step. Not here: the notebook's
 *       validation pass after each epoch and its keep-best copy (neither is in Fit's training seconds).</li>
 *   <li>{@code unet} ({@code notebooks/12-diffusion.ipynb}): {@link UNet}{@code (1x28x28, width 32, 2x2 patches, 10
 *       classes)}, {@link Ddpm} with T = 1000, cosine schedule, v-prediction; the class-conditional training data
 *       (labels dropped with probability 0.15; this data source has no Min-SNR weight, so {@link Ddpm#weightedLoss()}
 *       is the plain mean squared error on v), batch 64, Adam with linear warm-up (from lr/10, min(200, steps/10)
 *       steps) then cosine from 4e-3 to 2e-4, and the {@link Ema} of the weights (decay 0.995) updated after every
 *       step, as the notebook's {@code ema.tracking(data)} does. Not here: the sample grids drawn after each epoch.</li>
 * </ul>
 * One unit is one training image (one sample of a batch).
 */
final class ConvBench {

    private ConvBench() {
    }

    static void run(String name, Map<String, String> opt) {
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "3"));
        int samples = Integer.parseInt(opt.getOrDefault("samples", name.equals("unet") ? "3072" : "5120"));
        int batch = Integer.parseInt(opt.getOrDefault("batch", name.equals("unet") ? "64" : "128"));
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2 (the first is a warm-up), got " + epochs);
        }
        long t0 = System.nanoTime();
        ImageSet images = Mnist.digits().train().limit(samples);
        Model model = Model.newInstance(name);
        Ema ema = null;
        Fit fit;
        switch (name) {
            case "resnet" -> {
                // notebook 04, training cell: width 32, batch 128, RandomShifts(trainImages, 2, batchSize, 42),
                // OneCycle.of(3e-3f, epochs * batches) driving Adam, Fit with accuracy, seed 42
                RandomShifts data = new RandomShifts(images, 2, batch, 42);
                model.setBlock(ResNet.compact(32, 10));
                OneCycle schedule = OneCycle.of(3e-3f, epochs * data.batchCount());
                Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule).build();
                fit = Fit.of(model, data).optimizer(adam).accuracy(true);
            }
            case "unet" -> {
                // notebook 12, default profile: width 32, 2x2 patches, 10 classes (labels dropped 15 %), batch 64,
                // cosine schedule with v-prediction, EMA 0.995 tracking every step, Ddpm.weightedLoss(), peak lr 4e-3
                Ddpm ddpm = new Ddpm(1000, Ddpm.Schedule.COSINE, Ddpm.Prediction.V);
                int classes = 10;
                model.setBlock(new UNet(images.shape(), 32, 2, classes));
                ema = new Ema(model, 0.995);
                BatchSource data = ema.tracking(ddpm.trainingData(images.shape(), images.pixels(), images.labels(),
                        classes, 0.15, batch, 1));
                int totalSteps = epochs * data.batchCount();
                float lr = 4e-3f;
                Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.warmUp()
                        .setMainTracker(Tracker.cosine().setBaseValue(lr).optFinalValue(lr / 20).setMaxUpdates(totalSteps).build())
                        .optWarmUpSteps(Math.min(200, totalSteps / 10)).optWarmUpBeginValue(lr / 10).build()).build();
                fit = Fit.of(model, data).loss(Ddpm.weightedLoss()).optimizer(adam);
            }
            default -> throw new IllegalArgumentException("ConvBench runs resnet or unet, not '" + name + "'");
        }
        int perEpoch = images.count();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        // only its CPU rates are used (the wall rates are Fit's epoch seconds); NNZOO_BENCH_PROFILE: it profiles epoch 2
        Bench.Clock cpu = new Bench.Clock();
        cpu.start();
        History h = fit.epochs(epochs).seed(42).title("bench " + name).onEpoch((e, hist) -> {
            cpu.stop(perEpoch);
            System.out.printf(Locale.ROOT, "java %s epoch %d/%d loss=%.4f seconds=%.3f%n", name, e + 1, epochs,
                    hist.last("train_loss"), hist.last("seconds"));
            cpu.start();
        }).run();
        printParameters(name, model);
        double[] secs = h.values("seconds");
        List<Double> rates = new ArrayList<>();
        for (int e = 1; e < secs.length; e++) {
            rates.add(perEpoch / secs[e]);
        }
        Bench.report(name, "samples", perEpoch, batch, rates, cpu.cpuRates(), h.last("train_loss"), secs[0], loadSeconds);
        if (ema != null) {
            ema.close();
        }
        model.close();
    }

    /** One line for the comparison with the Python side: trained parameters, and all (batch norm's running statistics too). */
    private static void printParameters(String name, Model model) {
        long trained = 0;
        long all = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            long n = p.getValue().getArray().size();
            all += n;
            trained += p.getValue().requiresGradient() ? n : 0;
        }
        System.out.printf(Locale.ROOT, "java %s parameters: %d trained, %d with running statistics%n", name, trained, all);
    }
}

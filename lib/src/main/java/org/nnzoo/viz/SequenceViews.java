package org.nnzoo.viz;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.nnzoo.data.AbcChars;
import org.nnzoo.models.RecurrentNetworks;
import org.nnzoo.train.History;
import org.nnzoo.train.LmTraining;

import ai.djl.Model;

/**
 * The views the sequence chapters (5 RNN, 6 GRU, 7 LSTM, 9 Transformer) share: the bits-per-character curves of a
 * language model's training, the table of text sampled at several temperatures and top-k, and the log-scale
 * gradient-through-time chart.
 */
public final class SequenceViews {

    /** The sampling settings the chapters show: {temperature, top-k (0 = all)}. */
    public static final double[][] SAMPLING = {{0.5, 0}, {1.0, 0}, {1.0, 5}};

    /** The sampler's seed, so the text is the same on every run. */
    public static final long SAMPLING_SEED = 7;

    private SequenceViews() {
    }

    /**
     * @param title the chart's title
     * @param run   a language model's training ({@link LmTraining#fit})
     * @return the training and validation loss after each evaluation, in bits per character
     */
    public static XYChart bpcCurves(String title, LmTraining.Run run) {
        return bpcCurves(title, run.history(), run.stepsPerEvaluation());
    }

    /**
     * @param history            losses in nats per evaluation ({@code train_loss}, {@code val_loss})
     * @param stepsPerEvaluation training steps between two evaluations (the x axis' unit)
     * @return the training and validation loss in bits per character (nats / ln 2)
     */
    public static XYChart bpcCurves(String title, History history, int stepsPerEvaluation) {
        double ln2 = Math.log(2);
        double[] axis = IntStream.rangeClosed(1, history.epochs()).asDoubleStream().toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", java.util.Arrays.stream(history.values("train_loss")).map(v -> v / ln2).toArray());
        series.put("validation", java.util.Arrays.stream(history.values("val_loss")).map(v -> v / ln2).toArray());
        return Charts.lines(title, "epoch (" + stepsPerEvaluation + " steps)", "bits per character", axis, series);
    }

    /**
     * Samples text from a character language model at each of {@link #SAMPLING}'s settings
     * ({@link RecurrentNetworks#sample}, seed {@link #SAMPLING_SEED}) and lays it out as a table.
     *
     * @param lm      a trained language model
     * @param abc     its vocabulary
     * @param prompt  the start of every sample
     * @param length  characters to generate
     * @param context the most characters the model sees
     * @return an HTML table: temperature, top-k, the prompt in bold and the generated text
     */
    public static String samples(Model lm, AbcChars abc, String prompt, int length, int context) {
        return samples(lm, abc, prompt, length, context, SAMPLING);
    }

    /**
     * {@link #samples(Model, AbcChars, String, int, int)} at other settings.
     *
     * @param settings {temperature, top-k (0 = all)} per row
     */
    public static String samples(Model lm, AbcChars abc, String prompt, int length, int context, double[]... settings) {
        String[] texts = new String[settings.length];
        for (int i = 0; i < settings.length; i++) {
            int[] out = RecurrentNetworks.sample(lm, abc.encode(prompt), length, context, settings[i][0], (int) settings[i][1],
                    SAMPLING_SEED);
            texts[i] = abc.decode(out).substring(prompt.length());
        }
        return samplesTable(prompt, settings, texts);
    }

    /**
     * @param prompt   the prompt, shown in bold before each text
     * @param settings {temperature, top-k (0 = all)} per row
     * @param texts    the generated text per row (without the prompt)
     * @return the HTML table of {@link #samples}
     */
    public static String samplesTable(String prompt, double[][] settings, String[] texts) {
        if (settings.length != texts.length) {
            throw new IllegalArgumentException(settings.length + " settings but " + texts.length + " texts");
        }
        StringBuilder sb = new StringBuilder("<table><tr><th>temperature</th><th>top-k</th>"
                + "<th style='text-align:left'>text (prompt in bold)</th></tr>");
        for (int i = 0; i < texts.length; i++) {
            double[] tk = settings[i];
            sb.append("<tr><td>").append(tk[0]).append("</td><td>").append(tk[1] == 0 ? "all" : String.valueOf((int) tk[1]))
                    .append("</td><td style='text-align:left;font-family:monospace'><b>").append(Tables.escape(prompt)).append("</b>")
                    .append(Tables.escape(texts[i])).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    /**
     * @param series name to {@code ||dL/dx_t|| / ||dL/dx_T||} for t = 1..T (all of the same length)
     * @return the curves on a logarithmic y axis, the legend below
     */
    public static XYChart gradientThroughTime(String title, Map<String, double[]> series) {
        int steps = series.values().iterator().next().length;
        XYChart c = Charts.lines(title, "time step t", "||dL/dx_t|| / ||dL/dx_T||",
                IntStream.rangeClosed(1, steps).asDoubleStream().toArray(), series);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        return c;
    }
}

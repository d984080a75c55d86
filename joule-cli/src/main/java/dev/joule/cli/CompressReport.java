package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.CompressionResult;
import dev.joule.compress.CompressionSpec;
import dev.joule.compress.LayerReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.nn.Model;
import dev.joule.train.Metrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** What {@code joule compress} prints: per layer what is stored and what runs, then before/after figures. */
record CompressReport(String model, TaskData task, CompressionSpec spec, CompressionResult result, Metrics before,
                      Metrics after, Side f32, Side compressed, int rounds, long f32Bytes, long compressedBytes, Path out) {
    /** Inputs per forward pass when measuring (the evaluation batch of fashion-mnist). */
    static final int EVAL_BATCH = 500;
    /** Fine-tuning batch (FineTune's default). */
    static final int TRAIN_BATCH = 64;

    /**
     * One model's measured inference: medians over the rounds.
     *
     * @param joulesPerInference median energy per inference
     * @param source             the meters the energy came from
     * @param estimate           whether any of them is a model estimate rather than a counter
     * @param macsPerInference   multiply-accumulates the kernels counted, per inference
     * @param latencyMillis      median batch-1 latency
     */
    record Side(double joulesPerInference, String source, boolean estimate, double macsPerInference, double latencyMillis) {}

    /**
     * Alternates the two models {@code rounds} times after one unrecorded warm-up round each, so drift in the
     * machine's load falls on both alike; returns the medians, f32 first.
     */
    static Side[] measureSideBySide(EnergyRun run, InferenceMeasure measure, Model f32, Model compressed, int rounds) {
        Model[] models = {f32, compressed};
        String[] labels = {"f32", "compressed"};
        double[][] joules = new double[2][rounds];
        double[] macs = new double[2];
        String[] source = new String[2];
        boolean[] estimate = new boolean[2];
        for (int m = 0; m < 2; m++) {
            measure.measure(run, "warm-up-" + labels[m], models[m]);
        }
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < 2; m++) {
                InferenceMeasure.Result res = measure.measure(run, labels[m] + "-" + r, models[m]);
                joules[m][r] = res.joulesPerInference();
                macs[m] = res.macsPerInference();
                source[m] = res.report().totalSources();
                estimate[m] |= res.report().anyEstimate();
            }
        }
        Side[] out = new Side[2];
        for (int m = 0; m < 2; m++) {
            out[m] = new Side(median(joules[m]), source[m], estimate[m], macs[m], measure.p50LatencyMillis(models[m]));
        }
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    void print(PrintWriter w, boolean json) {
        if (json) {
            w.println(json().toString());
        } else {
            text(w);
        }
        w.flush();
    }

    private void text(PrintWriter w) {
        w.printf(Locale.ROOT, "%s on %s: %s%s%n", model, task.name(),
                spec.prune() == null ? "" : "pruned " + spec.prune().label(),
                spec.quantize() == null ? "" : (spec.prune() == null ? "" : " + ") + "quantized " + spec.quantize().id());
        w.printf(Locale.ROOT, "%-28s %-11s %-16s %8s  %-46s %12s%n", "layer", "shape", "stored", "zeros", "runs (chosen by timing)",
                "MACs/inf");
        for (LayerReport l : result.layers()) {
            w.printf(Locale.ROOT, "%-28s %-11s %-16s %7.1f%%  %-46s %12s%n", l.name(), l.out() + "x" + l.in(), l.storedFormat(),
                    100 * l.sparsity(), clip(l.kernel(), 46), l.macs() + (l.macs() == l.denseMacs() ? "" : " of " + l.denseMacs()));
        }
        if (!result.keptF32().isEmpty()) {
            w.println("kept in f32 by the accuracy budget: " + String.join(", ", result.keptF32()));
        }
        if (result.fineTuneSteps() > 0) {
            w.printf(Locale.ROOT, "fine-tuning: %d steps, %.1f s%n", result.fineTuneSteps(), result.fineTuneSeconds());
        }
        w.printf(Locale.ROOT, "accuracy (%s, full held-out split): %.2f%% -> %.2f%% (%+.2f points)%n", task.name(),
                100 * before.accuracy(), 100 * after.accuracy(), 100 * (after.accuracy() - before.accuracy()));
        w.printf(Locale.ROOT, "size (model.safetensors): %s -> %s (%.2fx smaller)%n", bytes(f32Bytes), bytes(compressedBytes),
                (double) f32Bytes / compressedBytes);
        w.printf(Locale.ROOT, "latency p50, batch 1: %.3f ms -> %.3f ms (x%.2f)%n", f32.latencyMillis(), compressed.latencyMillis(),
                compressed.latencyMillis() / f32.latencyMillis());
        w.printf(Locale.ROOT, "energy per %s, batch %d, median of %d alternating windows: %s -> %s (x%.2f; %s)%n",
                new CompareTask(task).inferenceUnit(), EVAL_BATCH, rounds,
                EnergyFormat.joules(f32.joulesPerInference()), EnergyFormat.joules(compressed.joulesPerInference()),
                compressed.joulesPerInference() / f32.joulesPerInference(), sourceLabel());
        w.printf(Locale.ROOT, "MACs per %s counted by the kernels: %.0f -> %.0f%n", new CompareTask(task).inferenceUnit(),
                f32.macsPerInference(), compressed.macsPerInference());
        w.println("compressed checkpoint: " + out);
    }

    private String sourceLabel() {
        return compressed.source() + (compressed.estimate() || f32.estimate() ? ", estimate" : ", measured");
    }

    ObjectNode json() {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.put("command", "compress").put("model", model).put("task", task.name()).put("out", out.toAbsolutePath().toString());
        o.put("prune", spec.prune() == null ? null : spec.prune().label());
        o.put("quantize", spec.quantize() == null ? null : spec.quantize().id());
        o.put("fineTuneSteps", result.fineTuneSteps()).put("fineTuneSeconds", result.fineTuneSeconds());
        o.put("accuracyBefore", before.accuracy()).put("accuracyAfter", after.accuracy());
        o.put("accuracyDeltaPoints", 100 * (after.accuracy() - before.accuracy()));
        o.put("validationAccuracyBefore", result.baselineAccuracy()).put("validationAccuracyAfter", result.accuracy());
        o.put("bytesBefore", f32Bytes).put("bytesAfter", compressedBytes).put("sizeRatio", (double) f32Bytes / compressedBytes);
        side(o.putObject("f32"), f32);
        side(o.putObject("compressed"), compressed);
        o.put("energyRatio", compressed.joulesPerInference() / f32.joulesPerInference());
        o.put("inferenceUnit", new CompareTask(task).inferenceUnit()).put("measureBatch", EVAL_BATCH).put("rounds", rounds);
        ArrayNode kept = o.putArray("keptF32");
        result.keptF32().forEach(kept::add);
        ArrayNode layers = o.putArray("layers");
        for (LayerReport l : result.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name()).put("out", l.out()).put("in", l.in()).put("stored", l.storedFormat());
            n.put("sparsity", l.sparsity()).put("runs", l.runsFormat()).put("kernel", l.kernel());
            n.put("storedBytes", l.storedBytes()).put("denseMacs", l.denseMacs()).put("macs", l.macs()).put("reason", l.reason());
        }
        return o;
    }

    private static void side(ObjectNode o, Side s) {
        o.put("joulesPerInference", s.joulesPerInference()).put("energySource", s.source()).put("energyEstimate", s.estimate());
        o.put("macsPerInference", s.macsPerInference()).put("latencyMillisP50", s.latencyMillis());
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static String bytes(long b) {
        if (b >= 1 << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}

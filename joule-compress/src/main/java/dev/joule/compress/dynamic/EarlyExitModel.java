package dev.joule.compress.dynamic;

import dev.joule.autograd.GradMode;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.models.TransformerClassifier;
import dev.joule.nn.Model;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transformer classifier with an exit head after every block but the last, run per input:
 *
 * <pre>
 *   h = embed(x)                                   all B rows
 *   for block i = 0 .. L−2:
 *       h = block_i(h)                             the rows still running
 *       p = softmax(exit_i(h));  rows with max p ≥ threshold_i leave with exit_i's logits
 *       h = the other rows, gathered into a smaller batch
 *   h = block_{L−1}(h);  logits = head(h)          the rows no exit was sure of
 * </pre>
 *
 * So a batch shrinks as it goes deeper and an easy input costs only the blocks before its exit. It runs
 * only without gradients ({@code NoGrad}); the exit heads are trained by {@link ExitTraining} on the
 * frozen backbone. It counts how many rows left at each depth, from which {@link #effectiveMacsPerInference}
 * follows.
 */
public final class EarlyExitModel implements Model {
    /** A threshold above every softmax probability: that exit never fires. */
    public static final float NEVER = 2f;

    private final TransformerClassifier backbone;
    private final Sequential exits;
    private final float[] thresholds;
    private final long[] leftAtDepth;
    private ExitCalibration.Result calibration;
    private final long embedMacs;
    private final long blockMacs;
    private final long headMacs;

    /**
     * A model whose exit heads start as copies of the backbone's final norm and head, with every threshold
     * {@link #NEVER} (so it computes exactly what the backbone does until calibrated).
     */
    public EarlyExitModel(TransformerClassifier backbone) {
        this.backbone = backbone;
        int layers = backbone.blocks();
        if (layers < 2) {
            throw new EarlyExitException("early exit needs a transformer with at least 2 blocks (an exit goes after each"
                    + " block but the last), this one has " + layers + "; train one with more layers");
        }
        Map<String, Var> p = backbone.namedParameters();
        ModelConfig cfg = backbone.config();
        List<ExitHead> heads = new ArrayList<>();
        for (int i = 0; i < layers - 1; i++) {
            heads.add(new ExitHead(cfg.dModel(), p.get("norm.weight").value(), p.get("norm.bias").value(),
                    p.get("head.weight").value(), p.get("head.bias").value()));
        }
        this.exits = new Sequential(heads);
        this.thresholds = new float[layers - 1];
        Arrays.fill(thresholds, NEVER);
        this.leftAtDepth = new long[layers];
        this.embedMacs = (long) cfg.seqLen() * cfg.inputDim() * cfg.dModel();
        this.headMacs = (long) cfg.dModel() * cfg.numClasses();
        this.blockMacs = (backbone.macsPerInference() - embedMacs - headMacs) / layers;
    }

    @Override
    public Var forward(Tensor input) {
        if (GradMode.isEnabled()) {
            throw new EarlyExitException("early-exit inference gathers rows between blocks and records no gradients;"
                    + " run it inside NoGrad.enter() (train the exit heads with ExitTraining)");
        }
        int batch = input.dim(0);
        int classes = backbone.config().numClasses();
        float[] out = new float[batch * classes];
        int[] rows = new int[batch];
        for (int r = 0; r < batch; r++) {
            rows[r] = r;
        }
        Var h = backbone.embed(Var.constant(input));
        int last = backbone.blocks() - 1;
        for (int i = 0; i < last; i++) {
            h = backbone.block(i, h);
            Tensor logits = exit(i).forward(h).value();
            int[] keep = leaveIfConfident(logits, thresholds[i], rows, out, classes);
            leftAtDepth[i] += rows.length - keep.length;
            if (keep.length == 0) {
                return Var.constant(Tensor.of(out, batch, classes));
            }
            if (keep.length < rows.length) {
                h = Var.constant(gatherRows(h.value(), keep));
                rows = select(rows, keep);
            }
        }
        Tensor logits = backbone.head(backbone.block(last, h)).value();
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(logits.data(), logits.offset() + r * classes, out, rows[r] * classes, classes);
        }
        leftAtDepth[last] += rows.length;
        return Var.constant(Tensor.of(out, batch, classes));
    }

    /**
     * Copies the logits of every row whose largest softmax probability reaches {@code threshold} into
     * {@code out} at its original row, and returns the local indices of the rows that go on.
     */
    private static int[] leaveIfConfident(Tensor logits, float threshold, int[] rows, float[] out, int classes) {
        float[] d = logits.data();
        int[] keep = new int[rows.length];
        int kept = 0;
        for (int r = 0; r < rows.length; r++) {
            int base = logits.offset() + r * classes;
            if (maxProbability(d, base, classes) >= threshold) {
                System.arraycopy(d, base, out, rows[r] * classes, classes);
            } else {
                keep[kept++] = r;
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    /** The largest softmax probability of {@code classes} logits: {@code 1 / Σ exp(l − max)}. */
    static float maxProbability(float[] logits, int base, int classes) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[base + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[base + c] - max);
        }
        return (float) (1 / sum);
    }

    /** Rows {@code keep} of {@code h [B, ...]} stacked into a new contiguous tensor {@code [keep.length, ...]}. */
    static Tensor gatherRows(Tensor h, int[] keep) {
        int[] shape = h.shape();
        int rowSize = h.size() / shape[0];
        float[] src = h.data();
        float[] dst = new float[keep.length * rowSize];
        for (int r = 0; r < keep.length; r++) {
            System.arraycopy(src, h.offset() + keep[r] * rowSize, dst, r * rowSize, rowSize);
        }
        shape[0] = keep.length;
        return Tensor.of(dst, shape);
    }

    private static int[] select(int[] rows, int[] keep) {
        int[] out = new int[keep.length];
        for (int r = 0; r < keep.length; r++) {
            out[r] = rows[keep[r]];
        }
        return out;
    }

    public TransformerClassifier backbone() {
        return backbone;
    }

    /** Exit heads: one after each block but the last. */
    public int exitCount() {
        return exits.size();
    }

    /** The exit head after block {@code i} (0-based). */
    public ExitHead exit(int i) {
        return (ExitHead) exits.get(i);
    }

    /** The exit heads' parameters by path ({@code 0.norm.weight}, {@code 0.linear.weight}, ...): what training updates and exits.safetensors holds. */
    public Map<String, Var> exitParameters() {
        return exits.namedParameters();
    }

    /** The max-softmax threshold of each exit (a copy); {@link #NEVER} where an exit never fires. */
    public float[] thresholds() {
        return thresholds.clone();
    }

    public void setThresholds(float[] values) {
        if (values.length != thresholds.length) {
            throw new EarlyExitException("this model has " + thresholds.length + " exits, got " + values.length
                    + " thresholds; give one per exit");
        }
        System.arraycopy(values, 0, thresholds, 0, values.length);
    }

    /** Sets the thresholds a calibration chose and keeps its held-out figures for reports and exits.json. */
    public void applyCalibration(ExitCalibration.Result result) {
        setThresholds(result.thresholds());
        this.calibration = result;
    }

    /** The calibration behind the thresholds, or null when they were set by hand. */
    public ExitCalibration.Result calibration() {
        return calibration;
    }

    /** Rows that left after each block since the last {@link #resetCounts()}; the last entry ran the whole network. */
    public long[] leftAtDepth() {
        return leftAtDepth.clone();
    }

    public void resetCounts() {
        Arrays.fill(leftAtDepth, 0);
    }

    /**
     * Multiply-accumulates of one input that leaves after block {@code depth} (0-based; the last block
     * means it ran the whole network): the embedding, the blocks it ran, every exit head it passed through,
     * and the final head when it got there.
     */
    public long macsAtDepth(int depth) {
        int last = backbone.blocks() - 1;
        long exitMacs = exit(0).macsPerRow();
        if (depth >= last) {
            return embedMacs + (last + 1) * blockMacs + last * exitMacs + headMacs;
        }
        return embedMacs + (depth + 1) * (blockMacs + exitMacs);
    }

    /** Mean MACs per input when {@code fractions[i]} of the inputs leave after block {@code i}. */
    public double meanMacs(double[] fractions) {
        double macs = 0;
        for (int i = 0; i < fractions.length; i++) {
            macs += fractions[i] * macsAtDepth(i);
        }
        return macs;
    }

    /** Mean MACs per input over the inputs counted since the last reset; the worst case when none were. */
    public double effectiveMacsPerInference() {
        long n = 0;
        double macs = 0;
        for (int i = 0; i < leftAtDepth.length; i++) {
            n += leftAtDepth[i];
            macs += (double) leftAtDepth[i] * macsAtDepth(i);
        }
        return n == 0 ? macsAtDepth(leftAtDepth.length - 1) : macs / n;
    }

    /** The mean effective figure once inputs were counted (see {@link #effectiveMacsPerInference}). */
    @Override
    public long macsPerInference() {
        return Math.round(effectiveMacsPerInference());
    }

    /** The backbone's parameters followed by the exit heads' (under {@code exits.}). */
    @Override
    public Map<String, Var> namedParameters() {
        Map<String, Var> all = new LinkedHashMap<>(backbone.namedParameters());
        exitParameters().forEach((name, v) -> all.put("exits." + name, v));
        return Collections.unmodifiableMap(all);
    }

    @Override
    public void setTraining(boolean training) {
        backbone.setTraining(training);
        exits.setTraining(training);
    }
}

package dev.joule.compress.quant;

import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Static activation scales from a calibration set: the inputs each linear layer sees over the set are
 * recorded ({@link LinearLayers#record}), |x| is summarised by its exact maximum and a uniform reservoir
 * sample, and a clipping threshold {@code t} is chosen; the scale is {@code t / 127}.
 * <ul>
 *   <li>{@link #MIN_MAX}: {@code t = max |x|} (nothing clips).</li>
 *   <li>{@link #percentile(double)}: {@code t} = the p-th percentile of |x| (ORT's symmetric rule; p = 99.99 is typical).</li>
 *   <li>{@link #MSE}: {@code t = α · max|x|} for the α in {1.00, 0.99, ..., 0.01} that minimises
 *       {@code Σ (x − x̂)²} over the sample, x̂ quantized and clipped exactly as the kernel does.</li>
 * </ul>
 * Weight clipping (per output channel, MSE-optimal) is in {@link WeightClipping}.
 */
public final class Calibration {
    /** How the threshold is chosen. */
    public enum Method { MIN_MAX, PERCENTILE, MSE }

    /** Largest |x| values kept per layer for percentile and MSE searches. */
    static final int RESERVOIR = 1 << 16;

    public static final Calibration MIN_MAX = new Calibration(Method.MIN_MAX, 100);
    public static final Calibration MSE = new Calibration(Method.MSE, 100);

    private final Method method;
    private final double percentile;

    private Calibration(Method method, double percentile) {
        this.method = method;
        this.percentile = percentile;
    }

    /** Percentile calibration; {@code p} in (0, 100]. */
    public static Calibration percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must lie in (0, 100], got " + p);
        }
        return new Calibration(Method.PERCENTILE, p);
    }

    /** Parses {@code minmax}, {@code mse} or {@code percentile:99.99}. */
    public static Calibration parse(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        if (s.equals("minmax") || s.equals("min-max")) {
            return MIN_MAX;
        }
        if (s.equals("mse")) {
            return MSE;
        }
        if (s.startsWith("percentile")) {
            String p = s.contains(":") ? s.substring(s.indexOf(':') + 1) : "99.99";
            return percentile(Double.parseDouble(p));
        }
        throw new IllegalArgumentException("unknown calibration '" + spec + "'; expected minmax, mse or percentile:P");
    }

    public Method method() {
        return method;
    }

    /**
     * One static activation scale per layer (by name) from running the model on {@code batches}
     * (no gradient; put the model in evaluation mode first).
     */
    public Map<String, Float> activationScales(Model model, List<LinearLayer> layers, Iterable<Tensor> batches) {
        Map<String, ActivationStats> stats = new LinkedHashMap<>();
        for (LinearLayer l : layers) {
            stats.put(l.name(), new ActivationStats(RESERVOIR, l.name().hashCode()));
        }
        LinearLayers.record(model, layers, batches, (layer, x, off, rows, in) -> stats.get(layer).add(x, off, rows * in));
        Map<String, Float> scales = new LinkedHashMap<>();
        stats.forEach((name, s) -> scales.put(name, scale(s.sample(), s.absMax())));
        return scales;
    }

    /** The scale for |x| values {@code absSample} (any order) whose true maximum is {@code absMax}. */
    public float scale(float[] absSample, float absMax) {
        float t = switch (method) {
            case MIN_MAX -> absMax;
            case PERCENTILE -> percentileOf(absSample, percentile);
            case MSE -> mseThreshold(absSample, absMax);
        };
        if (!(t > 0) || !Float.isFinite(t)) {
            // An all-zero input: any positive scale codes it exactly; a scale must stay > 0 to be loadable.
            t = absMax > 0 && Float.isFinite(absMax) ? absMax : 1f;
        }
        return t / StaticActivations.MAX_CODE;
    }

    private static float percentileOf(float[] abs, double p) {
        if (abs.length == 0) {
            return 0f;
        }
        float[] sorted = abs.clone();
        Arrays.sort(sorted);
        int k = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }

    private static float mseThreshold(float[] abs, float absMax) {
        float best = absMax;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int step = 100; step >= 1; step--) {
            float t = absMax * step / 100f;
            float s = t / StaticActivations.MAX_CODE;
            if (!(s > 0)) {
                break;
            }
            double err = 0;
            for (float v : abs) {
                double d = v - s * (double) StaticActivations.code(v, s);
                err += d * d;
            }
            if (err < bestErr) {
                bestErr = err;
                best = t;
            }
        }
        return best;
    }
}

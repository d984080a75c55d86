package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.train.TrainingListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which entries of which parameters are pruned: per parameter name a 0/1 mask of the parameter's size
 * (row-major, like its value). A 0 entry is held at exactly 0.
 *
 * <p>Masks must be re-applied after every optimizer step, or the pruned weights regrow from their
 * gradients, momentum and weight decay; {@link #asListener} does that inside a {@link dev.joule.train.Trainer}
 * (whose {@code onStep} runs after {@code optimizer.step()}).
 */
public final class PruningMasks {
    private final Map<String, float[]> masks;

    /** Copies {@code masks}; every entry must be 0 or 1. */
    public PruningMasks(Map<String, float[]> masks) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            float[] m = e.getValue().clone();
            for (int i = 0; i < m.length; i++) {
                if (m[i] != 0f && m[i] != 1f) {
                    throw new IllegalArgumentException("mask '" + e.getKey() + "' holds " + m[i] + " at " + i
                            + "; a pruning mask holds only 0 (pruned) and 1 (kept)");
                }
            }
            copy.put(e.getKey(), m);
        }
        this.masks = Collections.unmodifiableMap(copy);
    }

    public static PruningMasks empty() {
        return new PruningMasks(Map.of());
    }

    /** The masked parameter names, in insertion order. */
    public Set<String> names() {
        return masks.keySet();
    }

    /** A copy of the mask of {@code name}. */
    public float[] mask(String name) {
        float[] m = masks.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no mask for '" + name + "'; masked parameters are " + masks.keySet());
        }
        return m.clone();
    }

    /** Sets every masked entry of the named parameters to exactly 0, in place. */
    public void apply(Map<String, Var> params) {
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            Var p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("mask '" + e.getKey() + "' names no parameter of the model; "
                        + "build the masks from this model's namedParameters()");
            }
            float[] m = e.getValue();
            if (p.value().size() != m.length) {
                throw new IllegalArgumentException("mask '" + e.getKey() + "' has " + m.length + " entries, the parameter "
                        + java.util.Arrays.toString(p.shape()) + " has " + p.value().size() + "; rebuild the masks");
            }
            float[] d = p.value().data();
            int off = p.value().offset();
            for (int i = 0; i < m.length; i++) {
                if (m[i] == 0f) {
                    d[off + i] = 0f;
                }
            }
        }
    }

    /**
     * A listener that applies the masks when training starts and after every optimizer step, so the
     * pruned weights stay 0 through AdamW's momentum and weight decay.
     */
    public TrainingListener asListener(Map<String, Var> params) {
        Objects.requireNonNull(params, "params");
        return new TrainingListener() {
            @Override
            public void onStart(long startStep, long totalSteps) {
                apply(params);
            }

            @Override
            public void onStep(StepEvent event) {
                apply(params);
            }
        };
    }

    /** Per masked parameter, the fraction of its entries that are pruned. */
    public Map<String, Double> sparsity() {
        Map<String, Double> out = new LinkedHashMap<>();
        masks.forEach((name, m) -> out.put(name, m.length == 0 ? 0.0 : (double) zeros(m) / m.length));
        return out;
    }

    /** Pruned entries over all entries of every masked parameter (0 when nothing is masked). */
    public double overallSparsity() {
        long zeros = 0;
        long total = 0;
        for (float[] m : masks.values()) {
            zeros += zeros(m);
            total += m.length;
        }
        return total == 0 ? 0 : (double) zeros / total;
    }

    /** Pruned entries of {@code name}. */
    public long prunedCount(String name) {
        return zeros(mask(name));
    }

    /**
     * The union of two pruning decisions: an entry is kept only where both keep it (a parameter masked
     * by one side only keeps that side's mask).
     */
    public PruningMasks and(PruningMasks other) {
        Map<String, float[]> out = new LinkedHashMap<>(masks);
        for (Map.Entry<String, float[]> e : other.masks.entrySet()) {
            float[] mine = out.get(e.getKey());
            float[] theirs = e.getValue();
            if (mine == null) {
                out.put(e.getKey(), theirs);
                continue;
            }
            if (mine.length != theirs.length) {
                throw new IllegalArgumentException("masks for '" + e.getKey() + "' differ in size: " + mine.length
                        + " vs " + theirs.length + "; both must come from the same model");
            }
            float[] both = new float[mine.length];
            for (int i = 0; i < both.length; i++) {
                both[i] = mine[i] * theirs[i];
            }
            out.put(e.getKey(), both);
        }
        return new PruningMasks(out);
    }

    private static long zeros(float[] m) {
        long z = 0;
        for (float v : m) {
            if (v == 0f) {
                z++;
            }
        }
        return z;
    }

    @Override
    public String toString() {
        return "PruningMasks" + sparsity();
    }
}

package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.nn.Model;
import java.util.Map;

/**
 * Attaches a {@link ShrinkPlan} to a model as {@link ShrunkWeights} forms: under {@code NoGrad}, each planned
 * matrix multiplies only its kept rows × kept columns. Training still runs the full f32 values, so after
 * fine-tuning {@link #detach} and attach again from the new values.
 */
public final class ShrunkForms {
    private ShrunkForms() {}

    /**
     * Attaches an f32 shrunk form to every matrix of {@code plan}. The dropped rows and columns must already be
     * 0 in the weight (apply the masks first), so the form holds exactly what the value holds.
     */
    public static void attach(Model model, ShrinkPlan plan) {
        Map<String, Var> params = model.namedParameters();
        plan.layers().forEach((name, s) -> {
            Var w = weight(params, name, s);
            float[] dense = w.value().toArray();
            requireDroppedZero(name, dense, s);
            w.setInferenceWeights(ShrunkWeights.of(dense, s.out(), s.in(), s.keptRows(), s.keptCols()));
        });
    }

    /** Attaches {@code ShrunkWeights} around {@code small}, an already-built form of {@link #smallMatrix}. */
    public static void attach(Var weight, ShrinkPlan.Shrink s, LinearWeights small) {
        weight.setInferenceWeights(ShrunkWeights.of(s.out(), s.in(), s.keptRows(), s.keptCols(), small));
    }

    /** The kept part {@code [keptRows, keptCols]} of {@code weight}, row-major: the matrix to quantize, say. */
    public static float[] smallMatrix(Var weight, ShrinkPlan.Shrink s) {
        float[] d = weight.value().toArray();
        int[] rows = s.keptRows();
        int[] cols = s.keptCols();
        float[] out = new float[rows.length * cols.length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < cols.length; c++) {
                out[r * cols.length + c] = d[rows[r] * s.in() + cols[c]];
            }
        }
        return out;
    }

    /** Removes the forms of every matrix of {@code plan}, so inference runs the f32 values again. */
    public static void detach(Model model, ShrinkPlan plan) {
        Map<String, Var> params = model.namedParameters();
        plan.layers().forEach((name, s) -> weight(params, name, s).setInferenceWeights(null));
    }

    private static Var weight(Map<String, Var> params, String name, ShrinkPlan.Shrink s) {
        Var w = params.get(name);
        if (w == null || w.shape().length != 2 || w.shape()[0] != s.out() || w.shape()[1] != s.in()) {
            throw new IllegalArgumentException("shrink plan entry '" + name + "' [" + s.out() + ", " + s.in()
                    + "] does not match the model's parameter " + (w == null ? "(absent)" : java.util.Arrays.toString(w.shape()))
                    + "; build the plan from this model");
        }
        return w;
    }

    private static void requireDroppedZero(String name, float[] d, ShrinkPlan.Shrink s) {
        boolean[] keptRow = flags(s.keptRows(), s.out());
        boolean[] keptCol = flags(s.keptCols(), s.in());
        for (int r = 0; r < s.out(); r++) {
            for (int c = 0; c < s.in(); c++) {
                if ((!keptRow[r] || !keptCol[c]) && d[r * s.in() + c] != 0f) {
                    throw new IllegalStateException("weight '" + name + "' holds " + d[r * s.in() + c] + " at [" + r + ", "
                            + c + "], which the shrink plan drops; apply the pruning masks before attaching shrunk forms");
                }
            }
        }
    }

    private static boolean[] flags(int[] idx, int n) {
        boolean[] f = new boolean[n];
        for (int i : idx) {
            f[i] = true;
        }
        return f;
    }
}

package dev.joule.autograd;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Fused LSTM and GRU cell steps (PyTorch gate order and equations), each with its backward side by side.
 *
 * <p>The input projections of a whole sequence are computed once as {@code xProj [B, T, G·H]}; a step reads
 * time {@code t} of it and adds the recurrent projection {@code hProj [B, G·H]} ({@code = h·W_hhᵀ + b_hh}),
 * so the per-step graph is one matmul plus these ops, and gradients land directly in the right rows of
 * {@code xProj}'s gradient.
 *
 * <pre>
 *   LSTM gate blocks along the last axis:  [ i | f | g | o ]   each H wide
 *   GRU  gate blocks along the last axis:  [ r | z | n ]       each H wide
 * </pre>
 */
final class CellOps {
    private CellOps() {}

    /**
     * {@code act = [σ(i), σ(f), tanh(g), σ(o)]} of the pre-activations {@code xProj[:, t] + hProj}: {@code [B, 4H]}.
     */
    static Var lstmGates(Var xProj, int t, Var hProj) {
        int[] xs = xProj.shape();
        int batch = xs[0];
        int time = xs[1];
        int gates = xs[2];
        requireStepShape("lstmGates", xProj, t, hProj, 4);
        int hidden = gates / 4;
        float[] x = ScanOps.dense(xProj.value());
        float[] hp = ScanOps.dense(hProj.value());
        float[] pre = new float[batch * gates];
        for (int r = 0; r < batch; r++) {
            int xo = (r * time + t) * gates;
            int ho = r * gates;
            for (int j = 0; j < gates; j++) {
                pre[ho + j] = x[xo + j] + hp[ho + j];
            }
        }
        // Vectorised sigmoid over every block (the g block is overwritten next): a scalar exp per element
        // would cost more than the step's recurrent matmul.
        float[] act = new float[pre.length];
        ExpMath.sigmoid(pre, 0, act, pre.length);
        float[] g = new float[hidden];
        for (int r = 0; r < batch; r++) {
            int go = r * gates + 2 * hidden;
            ExpMath.tanh(pre, go, g, hidden);
            System.arraycopy(g, 0, act, go, hidden);
        }
        return Var.op(Tensor.of(act, batch, gates), gradOut -> {
            float[] gv = ScanOps.dense(gradOut);
            float[] dPre = new float[act.length];
            for (int i = 0; i < act.length; i++) {
                float y = act[i];
                dPre[i] = gv[i] * (isTanhBlock(i % gates, hidden) ? 1 - y * y : y * (1 - y));
            }
            addStep(xProj, hProj, dPre, t, batch, time, gates);
        }, xProj, hProj);
    }

    /** {@code c = f ⊙ cPrev + i ⊙ g} from the activated gates {@code [B, 4H]} and {@code cPrev [B, H]}. */
    static Var lstmCell(Var act, Var cPrev) {
        int batch = act.shape()[0];
        int hidden = act.shape()[1] / 4;
        requireShape("lstmCell", "cPrev", cPrev, batch, hidden);
        float[] a = ScanOps.dense(act.value());
        float[] cp = ScanOps.dense(cPrev.value());
        float[] c = new float[batch * hidden];
        for (int r = 0; r < batch; r++) {
            int ao = r * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                c[r * hidden + j] = a[ao + hidden + j] * cp[r * hidden + j] + a[ao + j] * a[ao + 2 * hidden + j];
            }
        }
        return Var.op(Tensor.of(c, batch, hidden), g -> {
            float[] gv = ScanOps.dense(g);
            Tensor sa = sink(act, a.length);
            Tensor sp = sink(cPrev, c.length);
            float[] dAct = sa.data();
            float[] dPrev = sp.data();
            int da = sa.offset();
            int dp = sp.offset();
            for (int r = 0; r < batch; r++) {
                int ao = r * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    float dc = gv[r * hidden + j];
                    dAct[da + ao + j] += dc * a[ao + 2 * hidden + j];
                    dAct[da + ao + hidden + j] += dc * cp[r * hidden + j];
                    dAct[da + ao + 2 * hidden + j] += dc * a[ao + j];
                    dPrev[dp + r * hidden + j] += dc * a[ao + hidden + j];
                }
            }
        }, act, cPrev);
    }

    /** {@code h = o ⊙ tanh(c)} from the activated gates {@code [B, 4H]} and the new cell state {@code c [B, H]}. */
    static Var lstmHidden(Var act, Var cell) {
        int batch = act.shape()[0];
        int hidden = act.shape()[1] / 4;
        requireShape("lstmHidden", "c", cell, batch, hidden);
        float[] a = ScanOps.dense(act.value());
        float[] c = ScanOps.dense(cell.value());
        float[] tc = new float[c.length];
        ExpMath.tanh(c, 0, tc, c.length);
        float[] h = new float[c.length];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < hidden; j++) {
                int k = r * hidden + j;
                h[k] = a[r * 4 * hidden + 3 * hidden + j] * tc[k];
            }
        }
        return Var.op(Tensor.of(h, batch, hidden), g -> {
            float[] gv = ScanOps.dense(g);
            Tensor sa = sink(act, a.length);
            Tensor sc = sink(cell, c.length);
            float[] dAct = sa.data();
            float[] dCell = sc.data();
            int da = sa.offset();
            int dc = sc.offset();
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    int oi = r * 4 * hidden + 3 * hidden + j;
                    dAct[da + oi] += gv[k] * tc[k];
                    dCell[dc + k] += gv[k] * a[oi] * (1 - tc[k] * tc[k]);
                }
            }
        }, act, cell);
    }

    /**
     * One GRU step: {@code r = σ(x_r + h_r)}, {@code z = σ(x_z + h_z)}, {@code n = tanh(x_n + r ⊙ h_n)},
     * {@code h' = (1 − z) ⊙ n + z ⊙ hPrev}, where {@code x_* = xProj[:, t]} and {@code h_* = hProj} blocks.
     */
    static Var gruCell(Var xProj, int t, Var hProj, Var hPrev) {
        requireStepShape("gruCell", xProj, t, hProj, 3);
        int[] xs = xProj.shape();
        int batch = xs[0];
        int time = xs[1];
        int gates = xs[2];
        int hidden = gates / 3;
        requireShape("gruCell", "hPrev", hPrev, batch, hidden);
        float[] x = ScanOps.dense(xProj.value());
        float[] hp = ScanOps.dense(hProj.value());
        float[] prev = ScanOps.dense(hPrev.value());
        // Pre-activations of r and z for all rows, then one vectorised sigmoid; n's tanh likewise.
        float[] pre = new float[batch * 2 * hidden];
        for (int b = 0; b < batch; b++) {
            int xo = (b * time + t) * gates;
            int ho = b * gates;
            for (int j = 0; j < 2 * hidden; j++) {
                pre[b * 2 * hidden + j] = x[xo + j] + hp[ho + j];
            }
        }
        float[] rz = new float[pre.length];
        ExpMath.sigmoid(pre, 0, rz, pre.length);
        float[] nPre = new float[batch * hidden];
        for (int b = 0; b < batch; b++) {
            int xo = (b * time + t) * gates + 2 * hidden;
            int ho = b * gates + 2 * hidden;
            for (int j = 0; j < hidden; j++) {
                nPre[b * hidden + j] = x[xo + j] + rz[b * 2 * hidden + j] * hp[ho + j];
            }
        }
        float[] n = new float[nPre.length];
        ExpMath.tanh(nPre, 0, n, nPre.length);
        float[] out = new float[batch * hidden];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                int k = b * hidden + j;
                float z = rz[b * 2 * hidden + hidden + j];
                out[k] = (1 - z) * n[k] + z * prev[k];
            }
        }
        return Var.op(Tensor.of(out, batch, hidden), g -> {
            float[] gv = ScanOps.dense(g);
            float[] dPre = new float[batch * gates];
            float[] dPreH = new float[batch * gates];
            float[] dPrev = new float[out.length];
            for (int b = 0; b < batch; b++) {
                int ho = b * gates;
                for (int j = 0; j < hidden; j++) {
                    int k = b * hidden + j;
                    float r = rz[b * 2 * hidden + j];
                    float z = rz[b * 2 * hidden + hidden + j];
                    float dOut = gv[k];
                    float dPreZ = dOut * (prev[k] - n[k]) * z * (1 - z);
                    float dPreN = dOut * (1 - z) * (1 - n[k] * n[k]);
                    float dPreR = dPreN * hp[ho + 2 * hidden + j] * r * (1 - r);
                    dPre[ho + j] = dPreR;
                    dPre[ho + hidden + j] = dPreZ;
                    dPre[ho + 2 * hidden + j] = dPreN;
                    dPreH[ho + j] = dPreR;
                    dPreH[ho + hidden + j] = dPreZ;
                    dPreH[ho + 2 * hidden + j] = dPreN * r;
                    dPrev[k] = dOut * z;
                }
            }
            if (OpSupport.wants(xProj)) {
                addStepRows(xProj, dPre, t, batch, time, gates);
            }
            addIfWanted(hProj, dPreH);
            addIfWanted(hPrev, dPrev);
        }, xProj, hProj, hPrev);
    }

    private static boolean isTanhBlock(int j, int hidden) {
        return j >= 2 * hidden && j < 3 * hidden;
    }

    /** Adds {@code dPre [B, G]} into both xProj's rows at time t and hProj. */
    private static void addStep(Var xProj, Var hProj, float[] dPre, int t, int batch, int time, int gates) {
        if (OpSupport.wants(xProj)) {
            addStepRows(xProj, dPre, t, batch, time, gates);
        }
        addIfWanted(hProj, dPre);
    }

    private static void addStepRows(Var xProj, float[] d, int t, int batch, int time, int gates) {
        Tensor gx = xProj.gradBuffer();
        float[] dst = gx.data();
        int off = gx.offset();
        for (int b = 0; b < batch; b++) {
            int xo = off + (b * time + t) * gates;
            for (int j = 0; j < gates; j++) {
                dst[xo + j] += d[b * gates + j];
            }
        }
    }

    /**
     * Where a backward adds {@code v}'s gradient: its own buffer (no temporary, no second pass), or a
     * discarded scratch of {@code n} floats when {@code v} takes no gradient.
     */
    private static Tensor sink(Var v, int n) {
        return OpSupport.wants(v) ? v.gradBuffer() : Tensor.zeros(n);
    }

    private static void addIfWanted(Var v, float[] d) {
        if (OpSupport.wants(v)) {
            OpSupport.addInto(v, d, 0);
        }
    }

    private static void requireStepShape(String op, Var xProj, int t, Var hProj, int gateCount) {
        int[] xs = xProj.shape();
        if (xs.length != 3 || xs[2] % gateCount != 0 || t < 0 || t >= xs[1]) {
            throw new ShapeException(op + ": xProj must be [B, T, " + gateCount + "·H] with 0 <= t < T, got "
                    + OpSupport.str(xs) + " and t = " + t);
        }
        requireShape(op, "hProj", hProj, xs[0], xs[2]);
    }

    private static void requireShape(String op, String what, Var v, int rows, int cols) {
        int[] s = v.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols) {
            throw new ShapeException(op + ": " + what + " must be [" + rows + ", " + cols + "], got " + OpSupport.str(s));
        }
    }
}

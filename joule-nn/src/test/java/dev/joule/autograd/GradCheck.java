package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Gradient checking in double precision.
 *
 * <p>Each op under test comes with a double-precision reference of its forward pass, written in the
 * test. The checker projects the op's output on fixed random weights {@code w}, so the loss is
 * {@code L = Σ w·y}; it back-propagates {@code w} through the f32 op to get the analytic gradient
 * and compares it with central differences of the <em>double</em> reference ({@code h = 1e-6}),
 * whose truncation and rounding errors (~1e-10) are far below f32's. What remains is the f32 error of
 * the analytic backward itself, hence the tolerances of about 1e-3 relative. The forward is compared
 * with the reference too.
 */
final class GradCheck {
    private GradCheck() {}

    private static final double H = 1e-6;

    /** The op under test, applied to parameters wrapping the given inputs. */
    @FunctionalInterface
    interface Op {
        Var apply(Var[] inputs);
    }

    /** The double reference: flattened inputs to the flattened output. */
    @FunctionalInterface
    interface Reference {
        double[] apply(double[][] inputs);
    }

    /** Checks forward and backward of {@code op} against {@code ref} with default f32 tolerances. */
    static void check(String name, Op op, Reference ref, Tensor... inputs) {
        check(name, op, ref, 1e-4, 2e-3, inputs);
    }

    /**
     * Checks forward (|y − ref| ≤ fwdTol·(1 + |ref|)) and every input's gradient
     * (|analytic − numeric| ≤ gradTol·(|numeric| + max|numeric| of that input + 1e-2)).
     */
    static void check(String name, Op op, Reference ref, double fwdTol, double gradTol, Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        double[][] x = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = Var.param(inputs[i].copy());
            x[i] = toDouble(inputs[i]);
        }
        Var out = op.apply(vars);
        float[] y = out.value().toArray();
        double[] yRef = ref.apply(x);
        assertEquals(yRef.length, y.length, name + ": reference output size");
        for (int j = 0; j < y.length; j++) {
            if (Math.abs(y[j] - yRef[j]) > fwdTol * (1 + Math.abs(yRef[j]))) {
                fail(name + ": forward element " + j + " is " + y[j] + ", reference " + yRef[j]);
            }
        }
        double[] w = weights(y.length);
        float[] seed = new float[w.length];
        for (int j = 0; j < w.length; j++) {
            seed[j] = (float) w[j];
        }
        out.backward(Tensor.of(seed, out.shape()));
        for (int i = 0; i < inputs.length; i++) {
            double[] numeric = numericGrad(ref, x, i, w);
            Tensor g = vars[i].grad();
            float[] analytic = g == null ? new float[numeric.length] : g.toArray();
            double maxAbs = 0;
            for (double v : numeric) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            for (int e = 0; e < numeric.length; e++) {
                double tol = gradTol * (Math.abs(numeric[e]) + maxAbs + 1e-2);
                if (!(Math.abs(analytic[e] - numeric[e]) <= tol)) {
                    fail(name + ": d/d input " + i + " element " + e + " analytic " + analytic[e]
                            + " vs numeric " + numeric[e] + " (tolerance " + tol + ")");
                }
            }
        }
    }

    private static double[] numericGrad(Reference ref, double[][] x, int input, double[] w) {
        double[] xi = x[input];
        double[] grad = new double[xi.length];
        for (int e = 0; e < xi.length; e++) {
            double keep = xi[e];
            xi[e] = keep + H;
            double plus = dot(ref.apply(x), w);
            xi[e] = keep - H;
            double minus = dot(ref.apply(x), w);
            xi[e] = keep;
            grad[e] = (plus - minus) / (2 * H);
        }
        return grad;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Fixed projection weights in [-1, 1], so every output element matters with a distinct weight. */
    private static double[] weights(int n) {
        SplittableRandom r = new SplittableRandom(12345);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (2 * r.nextDouble() - 1);
        }
        return w;
    }

    static double[] toDouble(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Standard normal values, seeded. */
    static Tensor randn(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) gaussian(r);
        }
        return t;
    }

    /** Uniform values in [lo, hi), seeded. */
    static Tensor uniform(long seed, float lo, float hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return t;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** Applies {@code f} to each element (for pointwise references). */
    static double[] map(double[] x, Function<Double, Double> f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
        }
        return y;
    }
}

package dev.joule.snn;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Event-driven synaptic kernels for layers fed by binary spikes: no multiplies, only the weights of the inputs that
 * fired are added. A dense matmul over a 0/1 tensor costs the same as over any floats; these kernels cost
 * {@code spikes × fan-out} accumulates, which is where a spiking network's energy claim comes from.
 *
 * <p>Each call records its accumulates in {@link OpCounter} as flops (adds that are not part of a multiply-accumulate)
 * with zero MACs, and returns the count. Summation order, per output element: {@link #linear} starts from the bias and adds
 * the fired inputs' weights in ascending input index; {@link #conv2d} adds the fired pixels' weights in ascending
 * (input channel, row, column) order from zero, then the bias. A dense gemm adds the
 * same floats (a weight times exactly 1 or 0) but in its own blocked order, so the two agree to float rounding, not
 * necessarily bit for bit.
 *
 * <p>Inputs must be exactly 0 or 1; anything else is rejected, since skipping multiplies is only exact for spikes.
 */
public final class SpikeKernels {
    /** Output rows at least this wide are added with the vector kernels; shorter ones in a plain loop. */
    private static final int WIDE_ROW = 32;

    private SpikeKernels() {}

    /** The output of an event-driven layer and the accumulates it did. */
    public record Result(Tensor output, long accumulates) {}

    /**
     * {@code spikes [..., in]} (0/1) · {@code weight [out, in]}ᵀ + {@code bias [out]} (bias may be null) → {@code [..., out]}.
     * Each fired input adds one row of the transposed weight: {@code out} accumulates per spike.
     */
    public static Result linear(Tensor spikes, Tensor weight, Tensor bias) {
        int[] xs = spikes.shape();
        if (weight.rank() != 2 || xs.length < 1 || xs[xs.length - 1] != weight.dim(1)) {
            throw new ShapeException("spike linear: weight must be [out, " + (xs.length == 0 ? "?" : xs[xs.length - 1])
                    + "] for spikes " + Arrays.toString(xs) + ", got " + Arrays.toString(weight.shape()));
        }
        int in = weight.dim(1);
        int out = weight.dim(0);
        int rows = spikes.size() / Math.max(1, in);
        float[] wt = transposed(weight);
        float[] s = spikes.data();
        int sOff = spikes.offset();
        float[] o = new float[rows * out];
        long[] perRow = new long[rows];
        // Wide rows go through the vector kernels' add, which records its adds in the op counter itself.
        boolean viaKernels = out >= WIDE_ROW;
        Parallel.parallelFor(rows, Math.max(1, 4096 / Math.max(1, in)), (from, to) -> {
            Kernels kern = Kernels.get();
            int[] fired = new int[in];
            for (int r = from; r < to; r++) {
                int base = r * out;
                if (bias != null) {
                    System.arraycopy(bias.data(), bias.offset(), o, base, out);
                }
                int count = firedInputs(s, sOff + r * in, in, fired, "spike linear");
                for (int f = 0; f < count; f++) {
                    int wRow = fired[f] * out;
                    if (viaKernels) {
                        kern.add(o, base, wt, wRow, o, base, out);
                    } else {
                        for (int k = 0; k < out; k++) {
                            o[base + k] += wt[wRow + k];
                        }
                    }
                }
                perRow[r] = (long) count * out;
            }
        });
        long acs = 0;
        for (long a : perRow) {
            acs += a;
        }
        if (!viaKernels) {
            OpCounter.record(0, acs, 4 * acs);
        }
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = out;
        return new Result(Tensor.of(o, outShape), acs);
    }

    /**
     * Stride-1 convolution of {@code spikes [N, C, H, W]} (0/1) with {@code weight [O, C, k, k]}, zero padding
     * {@code padding}, plus {@code bias [O]} (may be null) → {@code [N, O, Ho, Wo]}. Each fired input pixel scatters
     * its {@code k×k×O} weights onto the outputs it reaches ({@code O} accumulates per in-range tap). Works in a
     * channels-last scratch so each tap adds a contiguous run of O weights.
     */
    public static Result conv2d(Tensor spikes, Tensor weight, Tensor bias, int padding) {
        int[] xs = spikes.shape();
        int[] ws = weight.shape();
        if (xs.length != 4 || ws.length != 4 || ws[1] != xs[1] || ws[2] != ws[3]) {
            throw new ShapeException("spike conv2d: spikes must be [N, C, H, W] and weight [O, C, k, k] with the same C, got "
                    + Arrays.toString(xs) + " and " + Arrays.toString(ws));
        }
        int n = xs[0];
        int c = xs[1];
        int h = xs[2];
        int w = xs[3];
        int o = ws[0];
        int k = ws[2];
        int ho = h + 2 * padding - k + 1;
        int wo = w + 2 * padding - k + 1;
        if (ho < 1 || wo < 1) {
            throw new ShapeException("spike conv2d: kernel " + k + " is larger than the padded input " + Arrays.toString(xs));
        }
        float[] wr = tapsLast(weight, o, c, k);
        float[] s = spikes.data();
        int sOff = spikes.offset();
        float[] y = new float[n * o * ho * wo];
        long[] perImage = new long[n];
        Parallel.parallelFor(n, 1, (from, to) -> {
            float[] scratch = new float[ho * wo * o];
            int[] fired = new int[w];
            for (int img = from; img < to; img++) {
                Arrays.fill(scratch, 0f);
                long acs = 0;
                int inBase = sOff + img * c * h * w;
                for (int ci = 0; ci < c; ci++) {
                    for (int iy = 0; iy < h; iy++) {
                        int count = firedInputs(s, inBase + (ci * h + iy) * w, w, fired, "spike conv2d");
                        for (int f = 0; f < count; f++) {
                            acs += scatter(scratch, wr, ci, iy + padding, fired[f] + padding, k, o, ho, wo);
                        }
                    }
                }
                perImage[img] = acs;
                toChannelsFirst(scratch, bias, y, img * o * ho * wo, o, ho * wo);
            }
        });
        long acs = 0;
        for (long a : perImage) {
            acs += a;
        }
        OpCounter.record(0, acs, 4 * acs);
        return new Result(Tensor.of(y, n, o, ho, wo), acs);
    }

    /** Adds the taps of input pixel (ci, py, px) (padded coordinates) to every output it reaches; returns the adds. */
    private static long scatter(float[] scratch, float[] wr, int ci, int py, int px, int k, int o, int ho, int wo) {
        long adds = 0;
        for (int ky = 0; ky < k; ky++) {
            int oy = py - ky;
            if (oy < 0 || oy >= ho) {
                continue;
            }
            for (int kx = 0; kx < k; kx++) {
                int ox = px - kx;
                if (ox < 0 || ox >= wo) {
                    continue;
                }
                int dst = (oy * wo + ox) * o;
                int src = ((ci * k + ky) * k + kx) * o;
                for (int oc = 0; oc < o; oc++) {
                    scratch[dst + oc] += wr[src + oc];
                }
                adds += o;
            }
        }
        return adds;
    }

    /**
     * The accumulates an event-driven stride-1 convolution does for these spikes: per fired pixel, O times the
     * number of its taps that land inside the output. Lets a dense training pass report the same count.
     */
    public static long conv2dAccumulates(Tensor spikes, int outChannels, int kernel, int padding) {
        int[] xs = spikes.shape();
        int h = xs[2];
        int w = xs[3];
        int ho = h + 2 * padding - kernel + 1;
        int wo = w + 2 * padding - kernel + 1;
        int[] rowTaps = validTaps(h, padding, kernel, ho);
        int[] colTaps = validTaps(w, padding, kernel, wo);
        float[] s = spikes.data();
        int off = spikes.offset();
        int planes = spikes.size() / (h * w);
        long total = 0;
        for (int p = 0; p < planes; p++) {
            for (int iy = 0; iy < h; iy++) {
                int base = off + (p * h + iy) * w;
                long row = 0;
                for (int ix = 0; ix < w; ix++) {
                    if (s[base + ix] != 0f) {
                        row += colTaps[ix];
                    }
                }
                total += row * rowTaps[iy];
            }
        }
        return total * outChannels;
    }

    /** The accumulates an event-driven linear layer does: fired inputs × fan-out. */
    public static long linearAccumulates(Tensor spikes, int outFeatures) {
        return countNonZero(spikes) * outFeatures;
    }

    /** How many elements are non-zero (spikes fired). */
    public static long countNonZero(Tensor t) {
        float[] d = t.data();
        long n = 0;
        for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
            n += d[i] != 0f ? 1 : 0;
        }
        return n;
    }

    /** For each input coordinate, how many kernel offsets put it inside an output of extent {@code out}. */
    private static int[] validTaps(int in, int padding, int kernel, int out) {
        int[] taps = new int[in];
        for (int i = 0; i < in; i++) {
            for (int kk = 0; kk < kernel; kk++) {
                int oc = i + padding - kk;
                taps[i] += oc >= 0 && oc < out ? 1 : 0;
            }
        }
        return taps;
    }

    private static void toChannelsFirst(float[] scratch, Tensor bias, float[] y, int yOff, int o, int pixels) {
        for (int oc = 0; oc < o; oc++) {
            float b = bias == null ? 0f : bias.data()[bias.offset() + oc];
            int dst = yOff + oc * pixels;
            for (int p = 0; p < pixels; p++) {
                y[dst + p] = b + scratch[p * o + oc];
            }
        }
    }

    /** weight [out, in] → [in, out], so that one input's weights are contiguous. */
    private static float[] transposed(Tensor weight) {
        int out = weight.dim(0);
        int in = weight.dim(1);
        float[] w = weight.data();
        int off = weight.offset();
        float[] t = new float[in * out];
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < in; j++) {
                t[j * out + r] = w[off + r * in + j];
            }
        }
        return t;
    }

    /** weight [O, C, k, k] → [C, k, k, O]. */
    private static float[] tapsLast(Tensor weight, int o, int c, int k) {
        float[] w = weight.data();
        int off = weight.offset();
        int taps = c * k * k;
        float[] t = new float[taps * o];
        for (int oc = 0; oc < o; oc++) {
            for (int p = 0; p < taps; p++) {
                t[p * o + oc] = w[off + oc * taps + p];
            }
        }
        return t;
    }

    /**
     * Writes the indices of the inputs that fired in {@code s[off, off + n)} to {@code fired} and returns how many;
     * branch-free over the inputs (a spike train is unpredictable), then one check that all were 0 or 1.
     */
    private static int firedInputs(float[] s, int off, int n, int[] fired, String op) {
        int count = 0;
        boolean bad = false;
        for (int j = 0; j < n; j++) {
            float v = s[off + j];
            fired[count] = j;
            count += v == 1f ? 1 : 0;
            bad |= v != 0f & v != 1f;
        }
        if (bad) {
            for (int j = 0; j < n; j++) {
                requireSpike(s[off + j], op);
            }
        }
        return count;
    }

    private static void requireSpike(float v, String op) {
        if (v == 0f) {
            return;
        }
        if (v != 1f) {
            throw new IllegalArgumentException(op + ": inputs must be spikes (exactly 0 or 1), got " + v
                    + "; use the dense layer for analog inputs");
        }
    }
}

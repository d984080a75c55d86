package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Convolutions and pooling.
 * <pre>
 *   conv2d:       per image, cols [C·kh·kw, Ho·Wo] = im2col(x_n);  y_n [O, Ho·Wo] = W [O, C·kh·kw] · cols
 *                 backward: dW += dy_n · colsᵀ,  dcols = Wᵀ · dy_n,  dx_n += col2im(dcols)
 *   conv1dCausal: y[b, t, c] = bias[c] + Σ_j w[c, j] · x[b, t − (K − 1) + j, c]   (x = 0 before t = 0)
 * </pre>
 * The im2col buffer is rebuilt in backward rather than kept, trading a cheap copy for memory. Images run
 * in parallel on {@link Parallel}'s pool.
 */
final class ConvOps {
    private ConvOps() {}

    /** Sizes of a 2-D convolution; {@code patch} = C·kh·kw, {@code pixels} = Ho·Wo. */
    private record Conv2d(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad, int ho, int wo) {
        int patch() {
            return c * kh * kw;
        }

        int pixels() {
            return ho * wo;
        }

        /** cols[(ci, ki, kj), (oy, ox)] = x[img, ci, oy·s − p + ki, ox·s − p + kj], zero outside the image. */
        void im2col(float[] x, int xOff, float[] cols) {
            int px = pixels();
            for (int ci = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        int row = ((ci * kh + ki) * kw + kj) * px;
                        for (int oy = 0; oy < ho; oy++) {
                            int iy = oy * stride - pad + ki;
                            int dst = row + oy * wo;
                            if (iy < 0 || iy >= h) {
                                java.util.Arrays.fill(cols, dst, dst + wo, 0f);
                                continue;
                            }
                            int src = xOff + (ci * h + iy) * w;
                            for (int ox = 0; ox < wo; ox++) {
                                int ix = ox * stride - pad + kj;
                                cols[dst + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        }

        /** The adjoint of {@link #im2col}: dx[img] += scatter of dcols. */
        void col2imAdd(float[] dcols, float[] dx, int dxOff) {
            int px = pixels();
            for (int ci = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        int row = ((ci * kh + ki) * kw + kj) * px;
                        for (int oy = 0; oy < ho; oy++) {
                            int iy = oy * stride - pad + ki;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int dst = dxOff + (ci * h + iy) * w;
                            int src = row + oy * wo;
                            for (int ox = 0; ox < wo; ox++) {
                                int ix = ox * stride - pad + kj;
                                if (ix >= 0 && ix < w) {
                                    dx[dst + ix] += dcols[src + ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static Var conv2d(Var x, Var weight, Var bias, int stride, int padding) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        OpSupport.requireRank("conv2d", "input", xs, 4);
        OpSupport.requireRank("conv2d", "weight", ws, 4);
        if (ws[1] != xs[1]) {
            throw new ShapeException("conv2d: weight " + OpSupport.str(ws) + " expects " + ws[1]
                    + " input channels, the input " + OpSupport.str(xs) + " has " + xs[1]);
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride must be >= 1 and padding >= 0, got " + stride + ", " + padding);
        }
        int ho = (xs[2] + 2 * padding - ws[2]) / stride + 1;
        int wo = (xs[3] + 2 * padding - ws[3]) / stride + 1;
        if (xs[2] + 2 * padding < ws[2] || xs[3] + 2 * padding < ws[3]) {
            throw new ShapeException("conv2d: kernel " + ws[2] + "x" + ws[3] + " is larger than the padded input "
                    + OpSupport.str(xs) + " with padding " + padding);
        }
        if (bias != null) {
            OpSupport.requireShape("conv2d", "bias", bias.shape(), ws[0]);
        }
        Conv2d cv = new Conv2d(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride, padding, ho, wo);
        int patch = cv.patch();
        int px = cv.pixels();
        int inSize = cv.c * cv.h * cv.w;
        int outSize = cv.o * px;
        Tensor xv = x.value();
        Tensor wv = weight.value();
        Tensor out = Tensor.zeros(cv.n, cv.o, ho, wo);
        float[] y = out.data();
        int grain = imagesPerChunk(cv);
        Parallel.parallelFor(cv.n, grain, (from, to) -> {
            Kernels kern = Kernels.get();
            float[] cols = new float[patch * px];
            for (int img = from; img < to; img++) {
                cv.im2col(xv.data(), xv.offset() + img * inSize, cols);
                kern.gemm(false, false, cv.o, px, patch, wv.data(), wv.offset(), patch, cols, 0, px, 0f, y, img * outSize, px);
                if (bias != null) {
                    float[] b = bias.value().data();
                    int bo = bias.value().offset();
                    for (int oc = 0; oc < cv.o; oc++) {
                        int base = img * outSize + oc * px;
                        for (int p = 0; p < px; p++) {
                            y[base + p] += b[bo + oc];
                        }
                    }
                }
            }
        });
        return Var.op(out, g -> {
            // Images run in a fixed number of chunks; each keeps its own weight and bias gradient partials,
            // added in chunk order afterwards, so results depend only on the thread count.
            if (wants(x)) {
                x.gradBuffer(); // allocate once here: chunks must not race to create it
            }
            int chunks = Parallel.chunkCount(cv.n, grain);
            float[][] dW = new float[chunks][];
            float[][] dB = new float[chunks][];
            Parallel.parallelFor(chunks, 1, (cf, ct) -> {
                for (int ch = cf; ch < ct; ch++) {
                    int from = (int) ((long) cv.n * ch / chunks);
                    int to = (int) ((long) cv.n * (ch + 1) / chunks);
                    dW[ch] = wants(weight) ? new float[cv.o * patch] : null;
                    dB[ch] = wants(bias) ? new float[cv.o] : null;
                    conv2dBackwardImages(cv, from, to, x, xv, wv, g, dW[ch], dB[ch]);
                }
            });
            for (int ch = 0; ch < chunks; ch++) {
                if (dW[ch] != null) {
                    OpSupport.addInto(weight, dW[ch], 0);
                }
                if (dB[ch] != null) {
                    OpSupport.addInto(bias, dB[ch], 0);
                }
            }
        }, OpSupport.present(x, weight, bias));
    }

    /** Images per parallel chunk: enough that a chunk does at least ~1M multiply-adds. */
    private static int imagesPerChunk(Conv2d cv) {
        long macsPerImage = (long) cv.o * cv.patch() * cv.pixels();
        return (int) Math.max(1, Math.min(cv.n, (1L << 20) / Math.max(1, macsPerImage)));
    }

    /** Backward over images [from, to): dx into x's gradient, dW and dBias into the given partials (when non-null). */
    private static void conv2dBackwardImages(Conv2d cv, int from, int to, Var x, Tensor xv, Tensor wv, Tensor g,
                                             float[] dW, float[] dBias) {
        Kernels kern = Kernels.get();
        int patch = cv.patch();
        int px = cv.pixels();
        int inSize = cv.c * cv.h * cv.w;
        int outSize = cv.o * px;
        float[] gd = g.data();
        float[] cols = dW != null ? new float[patch * px] : null;
        float[] dcols = wants(x) ? new float[patch * px] : null;
        for (int img = from; img < to; img++) {
            int gOff = g.offset() + img * outSize;
            if (dW != null) {
                cv.im2col(xv.data(), xv.offset() + img * inSize, cols);
                kern.gemm(false, true, cv.o, patch, px, gd, gOff, px, cols, 0, px, 1f, dW, 0, patch);
            }
            if (dcols != null) {
                kern.gemm(true, false, patch, px, cv.o, wv.data(), wv.offset(), patch, gd, gOff, px, 0f, dcols, 0, px);
                Tensor gx = x.gradBuffer();
                cv.col2imAdd(dcols, gx.data(), gx.offset() + img * inSize);
            }
            if (dBias != null) {
                for (int oc = 0; oc < cv.o; oc++) {
                    float s = 0f;
                    for (int p = 0; p < px; p++) {
                        s += gd[gOff + oc * px + p];
                    }
                    dBias[oc] += s;
                }
            }
        }
    }

    /** Max over {@code kernel × kernel} windows, no padding; the gradient goes to each window's first maximum. */
    static Var maxPool2d(Var x, int kernel, int stride) {
        int[] xs = x.shape();
        OpSupport.requireRank("maxPool2d", "input", xs, 4);
        if (kernel < 1 || stride < 1 || kernel > xs[2] || kernel > xs[3]) {
            throw new ShapeException("maxPool2d: kernel " + kernel + " and stride " + stride
                    + " do not fit input " + OpSupport.str(xs) + " (need 1 <= kernel <= H, W and stride >= 1)");
        }
        int planes = xs[0] * xs[1];
        int h = xs[2];
        int w = xs[3];
        int ho = (h - kernel) / stride + 1;
        int wo = (w - kernel) / stride + 1;
        Tensor xv = x.value();
        float[] xd = xv.data();
        int xo = xv.offset();
        float[] out = new float[planes * ho * wo];
        int[] argmax = new int[out.length];
        for (int pl = 0; pl < planes; pl++) {
            int plane = pl * h * w;
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    int best = plane + (oy * stride) * w + ox * stride;
                    float bestV = xd[xo + best];
                    for (int ki = 0; ki < kernel; ki++) {
                        int rowStart = plane + (oy * stride + ki) * w + ox * stride;
                        for (int kj = 0; kj < kernel; kj++) {
                            float v = xd[xo + rowStart + kj];
                            if (v > bestV) {
                                bestV = v;
                                best = rowStart + kj;
                            }
                        }
                    }
                    int o = (pl * ho + oy) * wo + ox;
                    out[o] = bestV;
                    argmax[o] = best;
                }
            }
        }
        return Var.op(Tensor.of(out, xs[0], xs[1], ho, wo), g -> {
            Tensor gx = x.gradBuffer();
            float[] d = gx.data();
            float[] gd = g.data();
            for (int o = 0; o < argmax.length; o++) {
                d[gx.offset() + argmax[o]] += gd[g.offset() + o];
            }
        }, x);
    }

    /** Depthwise causal 1-D convolution over time: x [B, L, C], weight [C, K], bias [C] or null. */
    static Var conv1dCausal(Var x, Var weight, Var bias) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        OpSupport.requireRank("conv1dCausal", "input", xs, 3);
        if (ws.length != 2 || ws[0] != xs[2]) {
            throw new ShapeException("conv1dCausal: weight must be [" + xs[2] + ", K] for input "
                    + OpSupport.str(xs) + ", got " + OpSupport.str(ws));
        }
        if (bias != null) {
            OpSupport.requireShape("conv1dCausal", "bias", bias.shape(), xs[2]);
        }
        int batch = xs[0];
        int len = xs[1];
        int c = xs[2];
        int kSize = ws[1];
        Tensor xv = x.value();
        Tensor wv = weight.value();
        float[] xd = xv.data();
        int xo = xv.offset();
        float[] wd = wv.data();
        int wOff = wv.offset();
        float[] y = new float[xv.size()];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < len; t++) {
                int dst = (b * len + t) * c;
                if (bias != null) {
                    System.arraycopy(bias.value().data(), bias.value().offset(), y, dst, c);
                }
                for (int j = 0; j < kSize; j++) {
                    int ts = t - (kSize - 1) + j;
                    if (ts < 0) {
                        continue;
                    }
                    int src = xo + (b * len + ts) * c;
                    for (int ch = 0; ch < c; ch++) {
                        y[dst + ch] += wd[wOff + ch * kSize + j] * xd[src + ch];
                    }
                }
            }
        }
        return Var.op(Tensor.of(y, xs), g -> {
            float[] gd = g.data();
            Tensor gx = wants(x) ? x.gradBuffer() : null;
            Tensor gw = wants(weight) ? weight.gradBuffer() : null;
            Tensor gb = wants(bias) ? bias.gradBuffer() : null;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < len; t++) {
                    int go = g.offset() + (b * len + t) * c;
                    if (gb != null) {
                        for (int ch = 0; ch < c; ch++) {
                            gb.data()[gb.offset() + ch] += gd[go + ch];
                        }
                    }
                    for (int j = 0; j < kSize; j++) {
                        int ts = t - (kSize - 1) + j;
                        if (ts < 0) {
                            continue;
                        }
                        int src = (b * len + ts) * c;
                        for (int ch = 0; ch < c; ch++) {
                            float gv = gd[go + ch];
                            if (gx != null) {
                                gx.data()[gx.offset() + src + ch] += wd[wOff + ch * kSize + j] * gv;
                            }
                            if (gw != null) {
                                gw.data()[gw.offset() + ch * kSize + j] += xd[xo + src + ch] * gv;
                            }
                        }
                    }
                }
            }
        }, OpSupport.present(x, weight, bias));
    }
}

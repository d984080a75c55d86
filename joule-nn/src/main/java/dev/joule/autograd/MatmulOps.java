package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.str;
import static dev.joule.autograd.OpSupport.wants;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Matrix products on top of {@link Kernels#gemm}. Transposed operands are passed to gemm as flags,
 * never materialised; backward passes accumulate straight into the gradient buffers with {@code beta = 1}.
 *
 * <pre>
 *   C = op(A) · op(B)          op(A) [m, k], op(B) [k, n], C [m, n]
 *   d op(A) = dC · op(B)^T     d op(B) = op(A)^T · dC
 * </pre>
 */
final class MatmulOps {
    private MatmulOps() {}

    static Var matmul(Var a, Var b) {
        return matmul(a, b, false, false);
    }

    /**
     * a [..., m, k] (or [..., k, m] when transA) times b [..., k, n] (or [..., n, k] when transB).
     * A 2-D b is shared by every batch of a; otherwise a and b have equal leading dims (a 2-D a is shared too).
     */
    static Var matmul(Var a, Var b, boolean transA, boolean transB) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new ShapeException("matmul needs operands of rank >= 2, got " + str(as) + " and " + str(bs));
        }
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) {
            throw new ShapeException("matmul: inner dimensions differ: a " + str(as) + (transA ? "^T" : "")
                    + " has k = " + k + ", b " + str(bs) + (transB ? "^T" : "") + " has k = " + kb);
        }
        int[] lead;
        int batchA;
        int batchB;
        if (bs.length == 2) {
            lead = Arrays.copyOf(as, as.length - 2);
            batchA = 1;
            batchB = 0;
        } else if (as.length == 2) {
            lead = Arrays.copyOf(bs, bs.length - 2);
            batchA = 0;
            batchB = 1;
        } else {
            lead = Arrays.copyOf(as, as.length - 2);
            if (!Arrays.equals(lead, Arrays.copyOf(bs, bs.length - 2))) {
                throw new ShapeException("matmul: batch dimensions differ: a " + str(as) + ", b " + str(bs)
                        + "; expected equal leading dims or a 2-D operand");
            }
            batchA = 1;
            batchB = 1;
        }
        int batches = 1;
        for (int d : lead) {
            batches *= d;
        }
        int[] outShape = Arrays.copyOf(lead, lead.length + 2);
        outShape[lead.length] = m;
        outShape[lead.length + 1] = n;
        Tensor out = Tensor.zeros(outShape);
        Product p = new Product(transA, transB, m, n, k, batches, batchA, batchB);
        p.forward(a.value(), b.value(), out);
        return Var.op(out, g -> p.backward(a, b, g), a, b);
    }

    /** One (possibly batched) product; strides are 0 for an operand shared by every batch. */
    private record Product(boolean transA, boolean transB, int m, int n, int k, int batches, int batchA, int batchB) {

        int lda() {
            return transA ? m : k;
        }

        int ldb() {
            return transB ? k : n;
        }

        /** A shared B with an untransposed, batched A: the batches fold into one tall product. */
        boolean foldable() {
            return batchB == 0 && !transA;
        }

        void forward(Tensor a, Tensor b, Tensor c) {
            Kernels kern = Kernels.get();
            if (foldable()) {
                kern.gemm(false, transB, m * batches, n, k, a.data(), a.offset(), lda(),
                        b.data(), b.offset(), ldb(), 0f, c.data(), c.offset(), n);
                return;
            }
            kern.gemmBatched(batches, transA, transB, m, n, k, a.data(), a.offset(), batchA * m * k, lda(),
                    b.data(), b.offset(), batchB * k * n, ldb(), 0f, c.data(), c.offset(), m * n, n);
        }

        void backward(Var a, Var b, Tensor g) {
            Kernels kern = Kernels.get();
            Tensor av = a.value();
            Tensor bv = b.value();
            if (foldable()) {
                int rows = m * batches;
                if (wants(a)) {
                    Tensor ga = a.gradBuffer();
                    kern.gemm(false, !transB, rows, k, n, g.data(), g.offset(), n,
                            bv.data(), bv.offset(), ldb(), 1f, ga.data(), ga.offset(), k);
                }
                if (wants(b)) {
                    gradB(kern, b.gradBuffer(), 0, av, 0, g, 0, rows);
                }
                return;
            }
            if (batchA == 1 && batchB == 1) {
                backwardBatched(kern, a, b, g);
                return;
            }
            // A shared operand's gradient sums over the batch: accumulate sequentially.
            for (int t = 0; t < batches; t++) {
                int aOff = t * batchA * m * k;
                int bOff = t * batchB * k * n;
                int cOff = t * m * n;
                if (wants(a)) {
                    Tensor ga = a.gradBuffer();
                    if (!transA) {
                        kern.gemm(false, !transB, m, k, n, g.data(), g.offset() + cOff, n,
                                bv.data(), bv.offset() + bOff, ldb(), 1f, ga.data(), ga.offset() + aOff, k);
                    } else {
                        kern.gemm(transB, true, k, m, n, bv.data(), bv.offset() + bOff, ldb(),
                                g.data(), g.offset() + cOff, n, 1f, ga.data(), ga.offset() + aOff, m);
                    }
                }
                if (wants(b)) {
                    gradB(kern, b.gradBuffer(), bOff, av, aOff, g, cOff, m);
                }
            }
        }

        /** Both operands batched: every batch writes its own gradient slices, so the batches may run in parallel. */
        private void backwardBatched(Kernels kern, Var a, Var b, Tensor g) {
            Tensor av = a.value();
            Tensor bv = b.value();
            int aStride = m * k;
            int bStride = k * n;
            int cStride = m * n;
            if (wants(a)) {
                Tensor ga = a.gradBuffer();
                if (!transA) {
                    kern.gemmBatched(batches, false, !transB, m, k, n, g.data(), g.offset(), cStride, n,
                            bv.data(), bv.offset(), bStride, ldb(), 1f, ga.data(), ga.offset(), aStride, k);
                } else {
                    kern.gemmBatched(batches, transB, true, k, m, n, bv.data(), bv.offset(), bStride, ldb(),
                            g.data(), g.offset(), cStride, n, 1f, ga.data(), ga.offset(), aStride, m);
                }
            }
            if (wants(b)) {
                Tensor gb = b.gradBuffer();
                if (!transB) {
                    kern.gemmBatched(batches, !transA, false, k, n, m, av.data(), av.offset(), aStride, lda(),
                            g.data(), g.offset(), cStride, n, 1f, gb.data(), gb.offset(), bStride, n);
                } else {
                    kern.gemmBatched(batches, true, transA, n, k, m, g.data(), g.offset(), cStride, n,
                            av.data(), av.offset(), aStride, lda(), 1f, gb.data(), gb.offset(), bStride, k);
                }
            }
        }

        /** dB += op(A)^T · dC (stored transposed when transB) over {@code rows} rows of C. */
        private void gradB(Kernels kern, Tensor gb, int bOff, Tensor av, int aOff, Tensor g, int cOff, int rows) {
            if (!transB) {
                kern.gemm(!transA, false, k, n, rows, av.data(), av.offset() + aOff, lda(),
                        g.data(), g.offset() + cOff, n, 1f, gb.data(), gb.offset() + bOff, n);
            } else {
                kern.gemm(true, transA, n, k, rows, g.data(), g.offset() + cOff, n,
                        av.data(), av.offset() + aOff, lda(), 1f, gb.data(), gb.offset() + bOff, k);
            }
        }
    }

    /** x [..., in] · weight[out, in]^T + bias[out]; bias may be null. One node, bias added in the same pass. */
    static Var linear(Var x, Var weight, Var bias) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (ws.length != 2 || xs.length < 1 || xs[xs.length - 1] != ws[1]) {
            throw new ShapeException("linear: weight must be [out, " + (xs.length == 0 ? "?" : xs[xs.length - 1])
                    + "] for input " + str(xs) + ", got " + str(ws));
        }
        int in = ws[1];
        int outF = ws[0];
        if (bias != null && (bias.value().size() != outF || bias.shape().length != 1)) {
            throw new ShapeException("linear: bias must have shape [" + outF + "], got " + str(bias.shape()));
        }
        LinearWeights form = weight.inferenceWeights();
        boolean useForm = form != null && !GradMode.isEnabled();
        LinearFakeQuant fq = weight.fakeQuant();
        if (fq != null && !useForm) {
            // QAT: the same product on the fake-quantized operands; the mapped weight carries no hook, so this
            // recursion ends after one level, and the maps' own backward passes carry the gradients home.
            Var mapped = fq.weight(weight);
            if (mapped.fakeQuant() != null) {
                throw new IllegalStateException("LinearFakeQuant.weight must return a new node (the fake-quantized copy),"
                        + " not a weight with a fake-quant hook of its own");
            }
            return linear(fq.input(x), mapped, bias);
        }
        int rows = x.value().size() / Math.max(in, 1);
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = outF;
        Tensor out = Tensor.zeros(outShape);
        Tensor xv = x.value();
        Tensor wv = weight.value();
        if (useForm) {
            return Var.constant(linearWithForm(xv, rows, form, bias, out));
        }
        float[] o = out.data();
        // The bias is laid down first and the product added onto it (beta = 1): one pass over the
        // output instead of a second read-modify-write pass after the gemm.
        if (bias != null) {
            float[] bd = bias.value().data();
            int bo = bias.value().offset();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bd, bo, o, r * outF, outF);
            }
        }
        Kernels.get().gemm(false, true, rows, outF, in, xv.data(), xv.offset(), in,
                wv.data(), wv.offset(), in, bias == null ? 0f : 1f, o, 0, outF);
        Var.Backward back = g -> {
            Kernels kern = Kernels.get();
            // A gradient buffer made just now holds zeros: store (beta 0) rather than read it back and add.
            if (wants(x)) {
                float beta = x.grad() == null ? 0f : 1f;
                Tensor gx = x.gradBuffer();
                kern.gemm(false, false, rows, in, outF, g.data(), g.offset(), outF,
                        wv.data(), wv.offset(), in, beta, gx.data(), gx.offset(), in);
            }
            if (wants(weight)) {
                float beta = weight.grad() == null ? 0f : 1f;
                Tensor gw = weight.gradBuffer();
                kern.gemm(true, false, outF, in, rows, g.data(), g.offset(), outF,
                        xv.data(), xv.offset(), in, beta, gw.data(), gw.offset(), in);
            }
            if (wants(bias)) {
                ReduceOps.addColumnSums(g.data(), g.offset(), rows, outF, bias.gradBuffer());
            }
        };
        return bias == null ? Var.op(out, back, x, weight) : Var.op(out, back, x, weight, bias);
    }

    /** Inference through an attached weight form ({@link Var#setInferenceWeights}): product, then bias. */
    private static Tensor linearWithForm(Tensor xv, int rows, LinearWeights form, Var bias, Tensor out) {
        form.multiply(xv.data(), xv.offset(), rows, out.data(), 0);
        if (bias != null) {
            addBias(out.data(), rows, form.outFeatures(), bias.value().data(), bias.value().offset());
        }
        return out;
    }

    static Var linearForm(Var x, LinearWeights form, float[] bias) {
        if (GradMode.isEnabled()) {
            throw new IllegalStateException("linearForm computes without gradients; call it inside a NoGrad scope"
                    + " (training must go through Ops.linear on the weight parameter)");
        }
        int[] xs = x.shape();
        int in = form.inFeatures();
        int outF = form.outFeatures();
        if (xs.length < 1 || xs[xs.length - 1] != in) {
            throw new ShapeException("linearForm: input " + str(xs) + " must end in the form's " + in + " input features ("
                    + form.format() + ")");
        }
        if (bias != null && bias.length != outF) {
            throw new ShapeException("linearForm: bias has " + bias.length + " entries, the form " + outF + " outputs");
        }
        int rows = x.value().size() / Math.max(in, 1);
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = outF;
        Tensor out = Tensor.zeros(outShape);
        Tensor xv = x.value();
        form.multiply(xv.data(), xv.offset(), rows, out.data(), 0);
        if (bias != null) {
            addBias(out.data(), rows, outF, bias, 0);
        }
        return Var.constant(out);
    }

    private static void addBias(float[] o, int rows, int outF, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            int base = r * outF;
            for (int j = 0; j < outF; j++) {
                o[base + j] += bias[biasOff + j];
            }
        }
    }
}

package dev.joule.kernel.quant;

/**
 * The reference: plain loops, one output at a time, int32 sums for W8A8 and f32 sums in index order
 * for the weight-only paths. The vector kernels are tested against it.
 */
public final class ScalarQuantKernels implements QuantKernels {

    @Override
    public String name() {
        return "quant scalar";
    }

    @Override
    public void accumulateW8A8(Int8Activations x, Int8Matrix w, int[] acc, int accOff) {
        QuantChecks.sameCols("accumulateW8A8", x.cols(), w.cols());
        int batch = x.rows(), out = w.rows(), in = w.cols();
        QuantChecks.window("accumulators", acc.length, accOff, (long) batch * out);
        byte[] qx = x.codes(), qw = w.codes();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                int sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += qx[b * in + i] * qw[o * in + i];
                }
                acc[accOff + b * out + o] = sum;
            }
        }
        QuantWork.recordInt8(batch, out, in);
    }

    @Override
    public void gemmW8A8(Int8Activations x, Int8Matrix w, float[] y, int yOff) {
        int batch = x.rows(), out = w.rows();
        QuantChecks.window("output", y.length, yOff, (long) batch * out);
        int[] acc = new int[batch * out];
        accumulateW8A8(x, w, acc, 0);
        QuantWork.applyScales(acc, x.scales(), w.scales(), batch, out, y, yOff);
    }

    @Override
    public void gemmInt8Weights(float[] x, int xOff, int batch, Int8Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols();
        QuantWork.checkF32(x, xOff, batch, in, y, yOff, out);
        byte[] qw = w.codes();
        float[] ws = w.scales();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                float sum = 0f;
                for (int i = 0; i < in; i++) {
                    sum += x[xOff + b * in + i] * qw[o * in + i];
                }
                y[yOff + b * out + o] = ws[o] * sum;
            }
        }
        QuantWork.recordWeightOnly(batch, out, in, (long) out * in + 4L * out);
    }

    @Override
    public void gemmInt4Weights(float[] x, int xOff, int batch, Int4Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols();
        QuantWork.checkF32(x, xOff, batch, in, y, yOff, out);
        float[] scales = w.scales();
        int blocks = w.blocksPerRow();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                float total = 0f;
                for (int blk = 0; blk < blocks; blk++) {
                    float part = 0f;
                    for (int i = blk * Int4Matrix.BLOCK; i < Math.min(in, (blk + 1) * Int4Matrix.BLOCK); i++) {
                        part += x[xOff + b * in + i] * w.code(o, i);
                    }
                    total += part * scales[o * blocks + blk];
                }
                y[yOff + b * out + o] = total;
            }
        }
        QuantWork.recordWeightOnly(batch, out, in, w.sizeBytes());
    }
}

package dev.joule.kernel.quant;

import dev.joule.tensor.OpCounter;

/** What every implementation shares: the scale epilogue, argument checks and work counting. */
final class QuantWork {
    private QuantWork() {}

    /** {@code y[b, o] = (float) acc[b, o] · (xs[b] · ws[o])}: the one epilogue, so outputs match bit for bit. */
    static void applyScales(int[] acc, float[] xs, float[] ws, int batch, int out, float[] y, int yOff) {
        for (int b = 0; b < batch; b++) {
            float xScale = xs[b];
            for (int o = 0; o < out; o++) {
                y[yOff + b * out + o] = (float) acc[b * out + o] * (xScale * ws[o]);
            }
        }
    }

    static void checkF32(float[] x, int xOff, int batch, int in, float[] y, int yOff, int out) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        QuantChecks.window("activations", x.length, xOff, (long) batch * in);
        QuantChecks.window("output", y.length, yOff, (long) batch * out);
    }

    /** MACs (int8, counted with f32 MACs: OpCounter has no precision field) and bytes read. */
    static void recordInt8(int batch, int out, int in) {
        long macs = (long) batch * out * in;
        OpCounter.record(macs, 0, (long) out * in + (long) batch * in + 4L * batch * out);
    }

    static void recordWeightOnly(int batch, int out, int in, long weightBytes) {
        long macs = (long) batch * out * in;
        OpCounter.record(macs, 0, weightBytes + 4L * batch * in + 4L * batch * out);
    }
}

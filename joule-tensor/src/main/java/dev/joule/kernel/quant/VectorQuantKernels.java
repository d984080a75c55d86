package dev.joule.kernel.quant;

import dev.joule.kernel.Parallel;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation. JDK 17's API has no int8 dot-product instruction (no
 * {@code vpdpbusd}/{@code pmaddubsw}/{@code sdot}), so int8 codes are widened: a byte vector of as
 * many lanes as an int (or float) vector is converted with {@code convertShape(B2I | B2F, ..., 0)}
 * (one {@code vpmovsxbd} per load on x86), multiplied in 32-bit lanes and added into int32 (W8A8) or
 * fused into f32 FMAs (weight-only). Four weight rows share each activation load, with four
 * independent accumulators; one reduction per row after the loop, then a scalar tail.
 *
 * <p>Species come from {@code ints()}, {@code floats()} and {@code bytes()}, which each width's final subclass answers with
 * {@code static final} constants, as in {@code dev.joule.kernel.VectorKernels}, so C2 folds them.
 * Large problems split their output rows, in fixed groups of four, across {@link Parallel}'s
 * threads; each output's arithmetic does not depend on the thread count.
 *
 * <p>Batches of {@link #TILE_MIN_BATCH} rows or more (all three products) go through the 4 × 4
 * register tiles of {@link VectorQuantTiles} instead, W8A8 with its codes as exact f32
 * ({@link ExactFloatW8A8}).
 */
public abstract class VectorQuantKernels extends VectorQuantTiles implements QuantKernels {
    /** Each thread's share of a parallel product is at least about this many MACs. */
    private static final long PARALLEL_MACS = 1 << 18;
    static final int GROUP = 4;
    /** Batches of at least this many rows use the 4 × 4 register tile ({@link VectorQuantTiles}). */
    static final int TILE_MIN_BATCH = 4;
    /**
     * {@code -Djoule.quant.w8a8=f32} runs small-batch W8A8 on the exact-f32 path too (for measuring
     * the two against each other); the default {@code int32} widens to int lanes.
     */
    static final boolean EXACT_F32_GEMV = "f32".equals(System.getProperty("joule.quant.w8a8", "int32"));

    VectorQuantKernels() {}

    /** The kernels at 256 or 512 bits (8 or 16 int/float lanes); narrower CPUs use the scalar ones. */
    public static VectorQuantKernels forBits(int bits) {
        return switch (bits) {
            case 256 -> new Width256();
            case 512 -> new Width512();
            default -> throw new IllegalArgumentException(
                    "quantized vector kernels need 256 or 512 bits, got " + bits);
        };
    }

    @Override
    public String name() {
        return "quant vector " + ints().vectorBitSize() + "-bit";
    }

    @Override
    public Int8Activations quantizeActivations(float[] x, int xOff, Int8Activations out) {
        int rows = out.rows(), cols = out.cols();
        QuantChecks.window("activations", x.length, xOff, (long) rows * cols);
        for (int r = 0; r < rows; r++) {
            float scale = quantizeRow(x, xOff + r * cols, cols, out.codes(), r * cols);
            if (Float.isNaN(scale)) {
                return out.quantize(x, xOff); // the scalar path names the non-finite value
            }
            out.scales()[r] = scale;
        }
        return out;
    }

    @Override
    public void accumulateW8A8(Int8Activations x, Int8Matrix w, int[] acc, int accOff) {
        QuantChecks.sameCols("accumulateW8A8", x.cols(), w.cols());
        QuantChecks.window("accumulators", acc.length, accOff, (long) x.rows() * w.rows());
        runW8A8(x, w, acc, accOff, null, 0);
    }

    @Override
    public void gemmW8A8(Int8Activations x, Int8Matrix w, float[] y, int yOff) {
        QuantChecks.sameCols("gemmW8A8", x.cols(), w.cols());
        QuantChecks.window("output", y.length, yOff, (long) x.rows() * w.rows());
        runW8A8(x, w, null, 0, y, yOff);
    }

    private void runW8A8(Int8Activations x, Int8Matrix w, int[] acc, int accOff, float[] y, int yOff) {
        int batch = x.rows(), out = w.rows(), in = w.cols();
        if (batch >= TILE_MIN_BATCH || EXACT_F32_GEMV) {
            float[] xf = new float[batch * in];
            decodeInt8(x.codes(), null, in, 0, batch, xf);
            forRowGroups(batch, out, in, (o0, o1) -> ExactFloatW8A8.rows(this, xf, x, w, o0, o1, acc, accOff, y, yOff));
            QuantWork.recordInt8(batch, out, in);
            return;
        }
        forRowGroups(batch, out, in, (o0, o1) -> {
            for (int o = o0; o < o1; o += GROUP) {
                for (int b = 0; b < batch; b++) {
                    dotsW8A8(x, b, w, o, Math.min(GROUP, o1 - o), acc, accOff, y, yOff);
                }
            }
        });
        QuantWork.recordInt8(batch, out, in);
    }

    @Override
    public void gemmInt8Weights(float[] x, int xOff, int batch, Int8Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols();
        QuantWork.checkF32(x, xOff, batch, in, y, yOff, out);
        if (batch >= TILE_MIN_BATCH) {
            int8WeightTiles(x, xOff, batch, w, y, yOff);
            return;
        }
        forRowGroups(batch, out, in, (o0, o1) -> {
            float[] sums = new float[GROUP];
            for (int o = o0; o < o1; o += GROUP) {
                for (int b = 0; b < batch; b++) {
                    dotsInt8Weights(x, xOff + b * in, w, o, Math.min(GROUP, o1 - o), y, yOff + b * out, sums);
                }
            }
        });
        QuantWork.recordWeightOnly(batch, out, in, (long) out * in + 4L * out);
    }

    @Override
    public void gemmInt4Weights(float[] x, int xOff, int batch, Int4Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols();
        QuantWork.checkF32(x, xOff, batch, in, y, yOff, out);
        if (batch >= TILE_MIN_BATCH) {
            int4WeightTiles(x, xOff, batch, w, y, yOff);
            return;
        }
        float[] sums = blockSums(x, xOff, batch, in);
        int fullBlocks = in / Int4Matrix.BLOCK;
        forRowGroups(batch, out, in, (o0, o1) -> {
            for (int o = o0; o < o1; o += GROUP) {
                for (int b = 0; b < batch; b++) {
                    dotsInt4(x, xOff + b * in, sums, b * fullBlocks, w, o, Math.min(GROUP, o1 - o), y, yOff + b * out);
                }
            }
        });
        QuantWork.recordWeightOnly(batch, out, in, w.sizeBytes());
    }

    private void int8WeightTiles(float[] x, int xOff, int batch, Int8Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols();
        byte[] q = w.codes();
        float[] ws = w.scales();
        forRowGroups(batch, out, in, (o0, o1) -> {
            float[] sums = new float[GROUP * GROUP];
            for (int o = o0; o < o1; o += GROUP) {
                int nw = Math.min(GROUP, o1 - o);
                for (int b = 0; b < batch; b += GROUP) {
                    int nx = Math.min(GROUP, batch - b);
                    tile4x4(x, xOff + b * in, nx, q, o * in, nw, in, 0, in, sums);
                    for (int r = 0; r < nw; r++) {
                        for (int c = 0; c < nx; c++) {
                            y[yOff + (b + c) * out + o + r] = ws[o + r] * sums[GROUP * r + c];
                        }
                    }
                }
            }
        });
        QuantWork.recordWeightOnly(batch, out, in, (long) out * in + 4L * out);
    }

    private void int4WeightTiles(float[] x, int xOff, int batch, Int4Matrix w, float[] y, int yOff) {
        int out = w.rows(), in = w.cols(), blocks = w.blocksPerRow(), tailFrom = in / Int4Matrix.BLOCK * Int4Matrix.BLOCK;
        forRowGroups(batch, out, in, (o0, o1) -> {
            float[] sums = new float[GROUP * GROUP];
            for (int o = o0; o < o1; o += GROUP) {
                int nw = Math.min(GROUP, o1 - o);
                for (int b = 0; b < batch; b += GROUP) {
                    int nx = Math.min(GROUP, batch - b);
                    tileInt4(x, xOff + b * in, nx, w, o, nw, sums);
                    for (int r = 0; r < nw; r++) {
                        for (int c = 0; c < nx; c++) {
                            float total = sums[GROUP * r + c];
                            if (tailFrom < in) { // the partial last block, as the reference does it
                                float part = 0f;
                                for (int i = tailFrom; i < in; i++) {
                                    part += x[xOff + (b + c) * in + i] * w.code(o + r, i);
                                }
                                total += part * w.scales()[(o + r) * blocks + blocks - 1];
                            }
                            y[yOff + (b + c) * out + o + r] = total;
                        }
                    }
                }
            }
        });
        QuantWork.recordWeightOnly(batch, out, in, w.sizeBytes());
    }

    /** Runs {@code body(o0, o1)} over output rows in fixed groups of four, in parallel when large. */
    private static void forRowGroups(int batch, int out, int in, Parallel.IntRangeBody body) {
        int groups = (out + GROUP - 1) / GROUP;
        long macsPerGroup = (long) GROUP * in * batch;
        int grain = (int) Math.max(1, PARALLEL_MACS / Math.max(1, macsPerGroup));
        Parallel.parallelFor(groups, grain, (g0, g1) -> body.run(g0 * GROUP, Math.min(g1 * GROUP, out)));
    }

    /** Up to four int32 dot products of activation row {@code b} with weight rows {@code o ..}. */
    private void dotsW8A8(Int8Activations x, int b, Int8Matrix w, int o, int count,
                          int[] acc, int accOff, float[] y, int yOff) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Integer> is = ints();
        int in = w.cols(), out = w.rows(), vl = bs.length();
        byte[] qx = x.codes(), qw = w.codes();
        int xBase = b * in;
        int w0 = o * in, w1 = w0 + (count > 1 ? in : 0), w2 = w0 + (count > 2 ? 2 * in : 0);
        int w3 = w0 + (count > 3 ? 3 * in : 0);
        IntVector s0 = IntVector.zero(is), s1 = IntVector.zero(is), s2 = IntVector.zero(is), s3 = IntVector.zero(is);
        int p = 0;
        for (; p <= in - vl; p += vl) {
            IntVector xv = (IntVector) ByteVector.fromArray(bs, qx, xBase + p).convertShape(VectorOperators.B2I, is, 0);
            s0 = s0.add(xv.mul((IntVector) ByteVector.fromArray(bs, qw, w0 + p).convertShape(VectorOperators.B2I, is, 0)));
            s1 = s1.add(xv.mul((IntVector) ByteVector.fromArray(bs, qw, w1 + p).convertShape(VectorOperators.B2I, is, 0)));
            s2 = s2.add(xv.mul((IntVector) ByteVector.fromArray(bs, qw, w2 + p).convertShape(VectorOperators.B2I, is, 0)));
            s3 = s3.add(xv.mul((IntVector) ByteVector.fromArray(bs, qw, w3 + p).convertShape(VectorOperators.B2I, is, 0)));
        }
        int r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        int r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < in; p++) {
            int xp = qx[xBase + p];
            r0 += xp * qw[w0 + p];
            r1 += xp * qw[w1 + p];
            r2 += xp * qw[w2 + p];
            r3 += xp * qw[w3 + p];
        }
        int[] sums = {r0, r1, r2, r3};
        if (y == null) {
            System.arraycopy(sums, 0, acc, accOff + b * out + o, count);
        } else {
            float xScale = x.scales()[b];
            float[] ws = w.scales();
            for (int r = 0; r < count; r++) {
                y[yOff + b * out + o + r] = (float) sums[r] * (xScale * ws[o + r]);
            }
        }
    }

    /** Up to four f32 × int8 dot products of {@code x[xBase ..]} with weight rows {@code o ..}, scaled. */
    private void dotsInt8Weights(float[] x, int xBase, Int8Matrix w, int o, int count, float[] y, int yBase,
                                 float[] sums) {
        int in = w.cols();
        dots4(x, xBase, w.codes(), o * in, count, in, 0, in, sums);
        float[] ws = w.scales();
        for (int r = 0; r < count; r++) {
            y[yBase + o + r] = ws[o + r] * sums[r];
        }
    }

    /** {@code sums[b · fullBlocks + blk]} = the sum of activation row b over full block blk. */
    private static float[] blockSums(float[] x, int xOff, int batch, int in) {
        int fullBlocks = in / Int4Matrix.BLOCK;
        float[] sums = new float[batch * fullBlocks];
        for (int b = 0; b < batch; b++) {
            for (int blk = 0; blk < fullBlocks; blk++) {
                float s = 0f;
                int from = xOff + b * in + blk * Int4Matrix.BLOCK;
                for (int i = from; i < from + Int4Matrix.BLOCK; i++) {
                    s += x[i];
                }
                sums[b * fullBlocks + blk] = s;
            }
        }
        return sums;
    }

    /**
     * Up to four f32 × int4 rows sharing each activation load. Nibbles are used as stored (1..15,
     * no {@code − 8} per lane): {@code Σ x·(n − 8) = Σ x·n − 8·Σ x}, with the block sums of x
     * computed once per call ({@code sums}); the correction is one scalar FMA per row and block.
     */
    private void dotsInt4(float[] x, int xBase, float[] sums, int sumsOff, Int4Matrix w, int o, int count,
                          float[] y, int yBase) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Float> fs = floats();
        int vl = fs.length(), in = w.cols(), blocks = w.blocksPerRow(), fullBlocks = in / Int4Matrix.BLOCK;
        byte[] packed = w.packed();
        float[] scales = w.scales();
        int b0 = o * blocks, b1 = (o + (count > 1 ? 1 : 0)) * blocks;
        int b2 = (o + (count > 2 ? 2 : 0)) * blocks, b3 = (o + (count > 3 ? 3 : 0)) * blocks;
        FloatVector a0 = FloatVector.zero(fs), a1 = FloatVector.zero(fs);
        FloatVector a2 = FloatVector.zero(fs), a3 = FloatVector.zero(fs);
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        for (int blk = 0; blk < fullBlocks; blk++) {
            int xb = xBase + blk * Int4Matrix.BLOCK;
            FloatVector p0 = FloatVector.zero(fs), p1 = FloatVector.zero(fs);
            FloatVector p2 = FloatVector.zero(fs), p3 = FloatVector.zero(fs);
            for (int j = 0; j < Int4Matrix.BLOCK_BYTES; j += vl) {
                FloatVector xl = FloatVector.fromArray(fs, x, xb + j);
                FloatVector xh = FloatVector.fromArray(fs, x, xb + Int4Matrix.BLOCK_BYTES + j);
                ByteVector raw0 = ByteVector.fromArray(bs, packed, (b0 + blk) * Int4Matrix.BLOCK_BYTES + j);
                p0 = ((FloatVector) raw0.and((byte) 0xF).convertShape(VectorOperators.B2F, fs, 0)).fma(xl, p0);
                p0 = ((FloatVector) raw0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, fs, 0))
                        .fma(xh, p0);
                ByteVector raw1 = ByteVector.fromArray(bs, packed, (b1 + blk) * Int4Matrix.BLOCK_BYTES + j);
                p1 = ((FloatVector) raw1.and((byte) 0xF).convertShape(VectorOperators.B2F, fs, 0)).fma(xl, p1);
                p1 = ((FloatVector) raw1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, fs, 0))
                        .fma(xh, p1);
                ByteVector raw2 = ByteVector.fromArray(bs, packed, (b2 + blk) * Int4Matrix.BLOCK_BYTES + j);
                p2 = ((FloatVector) raw2.and((byte) 0xF).convertShape(VectorOperators.B2F, fs, 0)).fma(xl, p2);
                p2 = ((FloatVector) raw2.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, fs, 0))
                        .fma(xh, p2);
                ByteVector raw3 = ByteVector.fromArray(bs, packed, (b3 + blk) * Int4Matrix.BLOCK_BYTES + j);
                p3 = ((FloatVector) raw3.and((byte) 0xF).convertShape(VectorOperators.B2F, fs, 0)).fma(xl, p3);
                p3 = ((FloatVector) raw3.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, fs, 0))
                        .fma(xh, p3);
            }
            float xs = sums[sumsOff + blk];
            float s0 = scales[b0 + blk], s1 = scales[b1 + blk], s2 = scales[b2 + blk], s3 = scales[b3 + blk];
            a0 = p0.fma(FloatVector.broadcast(fs, s0), a0);
            a1 = p1.fma(FloatVector.broadcast(fs, s1), a1);
            a2 = p2.fma(FloatVector.broadcast(fs, s2), a2);
            a3 = p3.fma(FloatVector.broadcast(fs, s3), a3);
            c0 = Math.fma(s0, xs, c0);
            c1 = Math.fma(s1, xs, c1);
            c2 = Math.fma(s2, xs, c2);
            c3 = Math.fma(s3, xs, c3);
        }
        float[] totals = {
            a0.reduceLanes(VectorOperators.ADD) - Int4Matrix.ZERO_NIBBLE * c0,
            a1.reduceLanes(VectorOperators.ADD) - Int4Matrix.ZERO_NIBBLE * c1,
            a2.reduceLanes(VectorOperators.ADD) - Int4Matrix.ZERO_NIBBLE * c2,
            a3.reduceLanes(VectorOperators.ADD) - Int4Matrix.ZERO_NIBBLE * c3};
        for (int r = 0; r < count; r++) {
            float total = totals[r];
            if (fullBlocks < blocks) {
                float part = 0f;
                for (int i = fullBlocks * Int4Matrix.BLOCK; i < in; i++) {
                    part += x[xBase + i] * w.code(o + r, i);
                }
                total += part * scales[(o + r) * blocks + fullBlocks];
            }
            y[yBase + o + r] = total;
        }
    }

    private static final class Width256 extends VectorQuantKernels {
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
        private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;

        @Override
        VectorSpecies<Integer> ints() {
            return INTS;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorSpecies<Byte> bytes() {
            return BYTES;
        }
    }

    private static final class Width512 extends VectorQuantKernels {
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
        private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;

        @Override
        VectorSpecies<Integer> ints() {
            return INTS;
        }

        @Override
        VectorSpecies<Float> floats() {
            return FLOATS;
        }

        @Override
        VectorSpecies<Byte> bytes() {
            return BYTES;
        }
    }
}

package dev.joule.kernel.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species of one vector width and the register tile for batched int8-weight products: four
 * weight rows × four activation rows, sixteen f32 accumulators. Each weight vector is widened once
 * ({@code B2F}) and used by four FMAs, each activation vector by four, so the loop does about one
 * load or conversion per FMA, close to the f32 gemm micro-kernel, while reading a quarter of the
 * weight bytes and packing nothing (both operands are already contiguous along the reduction).
 *
 * <p>With bare codes on both sides (W8A8) every product and partial sum is an integer; while a call
 * covers at most {@link ExactFloatW8A8#K_CHUNK} = 1024 elements they stay below 2^24 and the f32
 * sums are exact.
 */
abstract class VectorQuantTiles {

    VectorQuantTiles() {}

    /** The int lanes (32-bit). */
    abstract VectorSpecies<Integer> ints();

    /** The f32 lanes: as many as {@link #ints()}. */
    abstract VectorSpecies<Float> floats();

    /** The int8 lanes: as many as {@link #ints()} (a quarter of the width). */
    abstract VectorSpecies<Byte> bytes();

    /**
     * {@code sums[4 r + c] = Σ_{p in [k0, k1)} q[wBase + r · in + p] · x[xBase + c · in + p]} for
     * {@code r < nw} weight rows and {@code c < nx} activation rows (both at most 4; missing ones
     * repeat row 0 and their sums are to be ignored).
     */
    final void tile4x4(float[] x, int xBase, int nx, byte[] q, int wBase, int nw, int in, int k0, int k1,
                       float[] sums) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Float> fs = floats();
        int vl = fs.length();
        int xa = xBase, xb = xBase + (nx > 1 ? in : 0), xc = xBase + (nx > 2 ? 2 * in : 0);
        int xd = xBase + (nx > 3 ? 3 * in : 0);
        int wa = wBase, wb = wBase + (nw > 1 ? in : 0), wc = wBase + (nw > 2 ? 2 * in : 0);
        int wd = wBase + (nw > 3 ? 3 * in : 0);
        FloatVector z = FloatVector.zero(fs);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z;
        FloatVector s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z;
        FloatVector s30 = z, s31 = z, s32 = z, s33 = z;
        int p = k0;
        for (; p <= k1 - vl; p += vl) {
            FloatVector x0 = FloatVector.fromArray(fs, x, xa + p), x1 = FloatVector.fromArray(fs, x, xb + p);
            FloatVector x2 = FloatVector.fromArray(fs, x, xc + p), x3 = FloatVector.fromArray(fs, x, xd + p);
            FloatVector w0 = (FloatVector) ByteVector.fromArray(bs, q, wa + p)
                    .convertShape(VectorOperators.B2F, fs, 0);
            s00 = w0.fma(x0, s00); s01 = w0.fma(x1, s01);
            s02 = w0.fma(x2, s02); s03 = w0.fma(x3, s03);
            FloatVector w1 = (FloatVector) ByteVector.fromArray(bs, q, wb + p)
                    .convertShape(VectorOperators.B2F, fs, 0);
            s10 = w1.fma(x0, s10); s11 = w1.fma(x1, s11);
            s12 = w1.fma(x2, s12); s13 = w1.fma(x3, s13);
            FloatVector w2 = (FloatVector) ByteVector.fromArray(bs, q, wc + p)
                    .convertShape(VectorOperators.B2F, fs, 0);
            s20 = w2.fma(x0, s20); s21 = w2.fma(x1, s21);
            s22 = w2.fma(x2, s22); s23 = w2.fma(x3, s23);
            FloatVector w3 = (FloatVector) ByteVector.fromArray(bs, q, wd + p)
                    .convertShape(VectorOperators.B2F, fs, 0);
            s30 = w3.fma(x0, s30); s31 = w3.fma(x1, s31);
            s32 = w3.fma(x2, s32); s33 = w3.fma(x3, s33);
        }
        sums[0] = s00.reduceLanes(VectorOperators.ADD);
        sums[1] = s01.reduceLanes(VectorOperators.ADD);
        sums[2] = s02.reduceLanes(VectorOperators.ADD);
        sums[3] = s03.reduceLanes(VectorOperators.ADD);
        sums[4] = s10.reduceLanes(VectorOperators.ADD);
        sums[5] = s11.reduceLanes(VectorOperators.ADD);
        sums[6] = s12.reduceLanes(VectorOperators.ADD);
        sums[7] = s13.reduceLanes(VectorOperators.ADD);
        sums[8] = s20.reduceLanes(VectorOperators.ADD);
        sums[9] = s21.reduceLanes(VectorOperators.ADD);
        sums[10] = s22.reduceLanes(VectorOperators.ADD);
        sums[11] = s23.reduceLanes(VectorOperators.ADD);
        sums[12] = s30.reduceLanes(VectorOperators.ADD);
        sums[13] = s31.reduceLanes(VectorOperators.ADD);
        sums[14] = s32.reduceLanes(VectorOperators.ADD);
        sums[15] = s33.reduceLanes(VectorOperators.ADD);
        if (p < k1) {
            tail(x, new int[] {xa, xb, xc, xd}, q, new int[] {wa, wb, wc, wd}, p, k1, sums);
        }
    }

    /** The last {@code k1 - p} elements of every pair, added to {@code sums}. */
    private static void tail(float[] x, int[] xs, byte[] q, int[] ws, int p, int k1, float[] sums) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                float t = 0f;
                for (int i = p; i < k1; i++) {
                    t += q[ws[r] + i] * x[xs[c] + i];
                }
                sums[4 * r + c] += t;
            }
        }
    }

    /**
     * The same tile for int4 weights over full blocks only: {@code sums[4 r + c] = Σ_blocks scale ·
     * Σ_{i in block} code · x} for weight rows {@code o ..< o + nw} and activation rows at
     * {@code xBase}, {@code in} apart. Each 16-byte block is decoded once per row into two scaled f32
     * vectors (low and high nibbles, {@code (n − 8) · scale}) and used by four activation rows.
     * Everything is written out inline: a helper method that C2 declines to inline into this large
     * method would box every vector (measured: 6.5 ms instead of 2.5 ms at 32 × 1024 × 1024).
     */
    final void tileInt4(float[] x, int xBase, int nx, Int4Matrix w, int o, int nw, float[] sums) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Float> fs = floats();
        int vl = fs.length(), in = w.cols(), blocks = w.blocksPerRow(), fullBlocks = in / Int4Matrix.BLOCK;
        byte[] packed = w.packed();
        float[] scales = w.scales();
        int xa = xBase, xb = xBase + (nx > 1 ? in : 0), xc = xBase + (nx > 2 ? 2 * in : 0);
        int xd = xBase + (nx > 3 ? 3 * in : 0);
        int b0 = o * blocks, b1 = (o + (nw > 1 ? 1 : 0)) * blocks;
        int b2 = (o + (nw > 2 ? 2 : 0)) * blocks, b3 = (o + (nw > 3 ? 3 : 0)) * blocks;
        FloatVector z = FloatVector.zero(fs);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z;
        FloatVector s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z;
        FloatVector s30 = z, s31 = z, s32 = z, s33 = z;
        for (int blk = 0; blk < fullBlocks; blk++) {
            int k = blk * Int4Matrix.BLOCK;
            for (int j = 0; j < Int4Matrix.BLOCK_BYTES; j += vl) {
                FloatVector xl0 = FloatVector.fromArray(fs, x, xa + k + j), xh0 = FloatVector.fromArray(fs, x, xa + k + Int4Matrix.BLOCK_BYTES + j);
                FloatVector xl1 = FloatVector.fromArray(fs, x, xb + k + j), xh1 = FloatVector.fromArray(fs, x, xb + k + Int4Matrix.BLOCK_BYTES + j);
                FloatVector xl2 = FloatVector.fromArray(fs, x, xc + k + j), xh2 = FloatVector.fromArray(fs, x, xc + k + Int4Matrix.BLOCK_BYTES + j);
                FloatVector xl3 = FloatVector.fromArray(fs, x, xd + k + j), xh3 = FloatVector.fromArray(fs, x, xd + k + Int4Matrix.BLOCK_BYTES + j);
                ByteVector raw0 = ByteVector.fromArray(bs, packed, (b0 + blk) * Int4Matrix.BLOCK_BYTES + j);
                FloatVector sc0 = FloatVector.broadcast(fs, scales[b0 + blk]);
                FloatVector lo0 = ((FloatVector) raw0.and(LOW_MASK).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc0);
                FloatVector hi0 = ((FloatVector) raw0.lanewise(VectorOperators.LSHR, 4).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc0);
                s00 = hi0.fma(xh0, lo0.fma(xl0, s00));
                s01 = hi0.fma(xh1, lo0.fma(xl1, s01));
                s02 = hi0.fma(xh2, lo0.fma(xl2, s02));
                s03 = hi0.fma(xh3, lo0.fma(xl3, s03));
                ByteVector raw1 = ByteVector.fromArray(bs, packed, (b1 + blk) * Int4Matrix.BLOCK_BYTES + j);
                FloatVector sc1 = FloatVector.broadcast(fs, scales[b1 + blk]);
                FloatVector lo1 = ((FloatVector) raw1.and(LOW_MASK).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc1);
                FloatVector hi1 = ((FloatVector) raw1.lanewise(VectorOperators.LSHR, 4).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc1);
                s10 = hi1.fma(xh0, lo1.fma(xl0, s10));
                s11 = hi1.fma(xh1, lo1.fma(xl1, s11));
                s12 = hi1.fma(xh2, lo1.fma(xl2, s12));
                s13 = hi1.fma(xh3, lo1.fma(xl3, s13));
                ByteVector raw2 = ByteVector.fromArray(bs, packed, (b2 + blk) * Int4Matrix.BLOCK_BYTES + j);
                FloatVector sc2 = FloatVector.broadcast(fs, scales[b2 + blk]);
                FloatVector lo2 = ((FloatVector) raw2.and(LOW_MASK).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc2);
                FloatVector hi2 = ((FloatVector) raw2.lanewise(VectorOperators.LSHR, 4).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc2);
                s20 = hi2.fma(xh0, lo2.fma(xl0, s20));
                s21 = hi2.fma(xh1, lo2.fma(xl1, s21));
                s22 = hi2.fma(xh2, lo2.fma(xl2, s22));
                s23 = hi2.fma(xh3, lo2.fma(xl3, s23));
                ByteVector raw3 = ByteVector.fromArray(bs, packed, (b3 + blk) * Int4Matrix.BLOCK_BYTES + j);
                FloatVector sc3 = FloatVector.broadcast(fs, scales[b3 + blk]);
                FloatVector lo3 = ((FloatVector) raw3.and(LOW_MASK).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc3);
                FloatVector hi3 = ((FloatVector) raw3.lanewise(VectorOperators.LSHR, 4).sub(ZERO)
                        .convertShape(VectorOperators.B2F, fs, 0)).mul(sc3);
                s30 = hi3.fma(xh0, lo3.fma(xl0, s30));
                s31 = hi3.fma(xh1, lo3.fma(xl1, s31));
                s32 = hi3.fma(xh2, lo3.fma(xl2, s32));
                s33 = hi3.fma(xh3, lo3.fma(xl3, s33));
            }
        }
        sums[0] = s00.reduceLanes(VectorOperators.ADD);
        sums[1] = s01.reduceLanes(VectorOperators.ADD);
        sums[2] = s02.reduceLanes(VectorOperators.ADD);
        sums[3] = s03.reduceLanes(VectorOperators.ADD);
        sums[4] = s10.reduceLanes(VectorOperators.ADD);
        sums[5] = s11.reduceLanes(VectorOperators.ADD);
        sums[6] = s12.reduceLanes(VectorOperators.ADD);
        sums[7] = s13.reduceLanes(VectorOperators.ADD);
        sums[8] = s20.reduceLanes(VectorOperators.ADD);
        sums[9] = s21.reduceLanes(VectorOperators.ADD);
        sums[10] = s22.reduceLanes(VectorOperators.ADD);
        sums[11] = s23.reduceLanes(VectorOperators.ADD);
        sums[12] = s30.reduceLanes(VectorOperators.ADD);
        sums[13] = s31.reduceLanes(VectorOperators.ADD);
        sums[14] = s32.reduceLanes(VectorOperators.ADD);
        sums[15] = s33.reduceLanes(VectorOperators.ADD);
    }

    private static final byte LOW_MASK = 0xF;
    private static final byte ZERO = Int4Matrix.ZERO_NIBBLE;

    /**
     * Rows {@code o0 ..< o0 + rows} of row-major int8 codes ({@code in} per row) as f32, row-major into
     * {@code dst}: {@code scales[o] · code}, or the bare codes (exact) when {@code scales} is null.
     */
    final void decodeInt8(byte[] q, float[] scales, int in, int o0, int rows, float[] dst) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Float> fs = floats();
        int vl = fs.length();
        for (int r = 0; r < rows; r++) {
            int src = (o0 + r) * in, dOff = r * in;
            float scale = scales == null ? 1f : scales[o0 + r];
            FloatVector sv = FloatVector.broadcast(fs, scale);
            int i = 0;
            for (; i <= in - vl; i += vl) {
                ((FloatVector) ByteVector.fromArray(bs, q, src + i).convertShape(VectorOperators.B2F, fs, 0))
                        .mul(sv).intoArray(dst, dOff + i);
            }
            for (; i < in; i++) {
                dst[dOff + i] = scale * q[src + i];
            }
        }
    }

    /**
     * {@code sums[r] = Σ_{p in [k0, k1)} q[wBase + r · in + p] · x[xBase + p]} for {@code r < nw <= 4}
     * weight rows sharing each load of x (missing rows repeat row 0; ignore their sums).
     */
    final void dots4(float[] x, int xBase, byte[] qw, int wBase, int nw, int in, int k0, int k1, float[] sums) {
        VectorSpecies<Byte> bs = bytes();
        VectorSpecies<Float> fs = floats();
        int vl = fs.length();
        int w0 = wBase, w1 = w0 + (nw > 1 ? in : 0), w2 = w0 + (nw > 2 ? 2 * in : 0);
        int w3 = w0 + (nw > 3 ? 3 * in : 0);
        FloatVector s0 = FloatVector.zero(fs), s1 = FloatVector.zero(fs);
        FloatVector s2 = FloatVector.zero(fs), s3 = FloatVector.zero(fs);
        int p = k0;
        for (; p <= k1 - vl; p += vl) {
            FloatVector xv = FloatVector.fromArray(fs, x, xBase + p);
            s0 = xv.fma((FloatVector) ByteVector.fromArray(bs, qw, w0 + p).convertShape(VectorOperators.B2F, fs, 0), s0);
            s1 = xv.fma((FloatVector) ByteVector.fromArray(bs, qw, w1 + p).convertShape(VectorOperators.B2F, fs, 0), s1);
            s2 = xv.fma((FloatVector) ByteVector.fromArray(bs, qw, w2 + p).convertShape(VectorOperators.B2F, fs, 0), s2);
            s3 = xv.fma((FloatVector) ByteVector.fromArray(bs, qw, w3 + p).convertShape(VectorOperators.B2F, fs, 0), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < k1; p++) {
            float xp = x[xBase + p];
            r0 += xp * qw[w0 + p];
            r1 += xp * qw[w1 + p];
            r2 += xp * qw[w2 + p];
            r3 += xp * qw[w3 + p];
        }
        sums[0] = r0;
        sums[1] = r1;
        sums[2] = r2;
        sums[3] = r3;
    }

    /**
     * One row of symmetric int8 quantization, vectorized, bit-identical to
     * {@link SymmetricInt8#quantizeRow}: the same {@code amax}, the same IEEE division {@code x / scale},
     * and round half to even by adding and subtracting 1.5 · 2^23 (exact for |v| < 2^22, and
     * {@code |x / scale| <= 127.0…}). Returns the scale, or NaN when the row holds a non-finite value
     * (the caller then runs the scalar path, which names it).
     */
    final float quantizeRow(float[] x, int xOff, int n, byte[] q, int qOff) {
        VectorSpecies<Float> fs = floats();
        int vl = fs.length();
        FloatVector maxAbs = FloatVector.zero(fs);
        int i = 0;
        for (; i <= n - vl; i += vl) {
            maxAbs = maxAbs.max(FloatVector.fromArray(fs, x, xOff + i).abs());
        }
        float amax = maxAbs.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            amax = Math.max(amax, Math.abs(x[xOff + i]));
        }
        if (!Float.isFinite(amax)) { // lane-wise max, like Math.max, propagates NaN
            return Float.NaN;
        }
        float scale = amax / SymmetricInt8.MAX_CODE;
        if (scale == 0f) {
            java.util.Arrays.fill(q, qOff, qOff + n, (byte) 0);
            return 0f;
        }
        FloatVector magic = FloatVector.broadcast(fs, ROUNDING_MAGIC);
        FloatVector lo = FloatVector.broadcast(fs, -SymmetricInt8.MAX_CODE);
        FloatVector hi = FloatVector.broadcast(fs, SymmetricInt8.MAX_CODE);
        // The rounded values go through a float scratch and a plain narrowing loop: on JDK 17 the
        // shape-changing F2B conversion (512-bit floats to 128-bit bytes) was not intrinsified and
        // allocated about 25 bytes per element (JMH -prof gc).
        float[] rounded = new float[n];
        i = 0;
        for (; i <= n - vl; i += vl) {
            FloatVector v = FloatVector.fromArray(fs, x, xOff + i).div(scale);
            v.add(magic).sub(magic).max(lo).min(hi).intoArray(rounded, i);
        }
        for (int j = 0; j < i; j++) {
            q[qOff + j] = (byte) rounded[j];
        }
        for (; i < n; i++) {
            double r = Math.rint(x[xOff + i] / scale);
            q[qOff + i] = (byte) Math.max(-SymmetricInt8.MAX_CODE, Math.min(SymmetricInt8.MAX_CODE, r));
        }
        return scale;
    }

    /** 1.5 · 2^23: adding and subtracting it rounds a float of magnitude below 2^22 half to even. */
    private static final float ROUNDING_MAGIC = 12582912f;
}

package dev.joule.kernel.quant;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.joule.kernel.GemmEpilogue;
import dev.joule.kernel.Parallel;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * W8A8 and the dynamic activation quantizer on the native AVX-512 VNNI kernel ({@code vpdpbusd},
 * ADR 0010); the weight-only int8 and int4 products are delegated to the Java kernels given at
 * construction.
 * Results are those of {@link ScalarQuantKernels} bit for bit (the same int32 sums, the same
 * epilogue), checked by {@link NativeQuantSelfTest} before {@link QuantKernels#get()} chooses it.
 *
 * <p>Per call: the activation codes and scales are copied into this thread's native scratch, the
 * output rows are split over {@link Parallel} exactly as the Java kernels split them (each chunk is
 * one native call writing its own columns), and the results are copied back. The weights stay in
 * native memory ({@link NativeWeights}), copied once per matrix.
 */
public final class NativeQuantKernels implements QuantKernels {
    /** Each thread's share of a parallel product is at least about this many MACs (native is ~4× the Java rate). */
    private static final long PARALLEL_MACS = 1 << 20;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final QuantKernels weightOnly;

    private NativeQuantKernels(QuantKernels weightOnly) {
        this.weightOnly = weightOnly;
    }

    /**
     * The native kernels when the platform, CPU flags and library allow them, otherwise the reason
     * they are unavailable. Does not run the self-test ({@link NativeQuantSelfTest#run}).
     */
    static Availability create(QuantKernels weightOnly) {
        Optional<String> why = NativeQuantLibrary.load();
        return why.map(Availability::missing)
                .orElseGet(() -> new Availability(new NativeQuantKernels(weightOnly), null));
    }

    /** Either kernels or the reason there are none. */
    record Availability(QuantKernels kernels, String reason) {
        static Availability missing(String reason) {
            return new Availability(null, reason);
        }
    }

    @Override
    public String name() {
        return "quant native avx512-vnni (weight-only: " + weightOnly.name() + ")";
    }

    /** The same codes and scales as {@link Int8Activations#quantize}, computed natively (the Java loop divides per element). */
    @Override
    public Int8Activations quantizeActivations(float[] x, int xOff, Int8Activations out) {
        int rows = out.rows(), cols = out.cols();
        QuantChecks.window("activations", x.length, xOff, (long) rows * cols);
        Scratch s = SCRATCH.get().fitFloats(rows, cols);
        s.xFloats.write(0, x, xOff, rows * cols);
        if (NativeQuantLibrary.jq_quantize_rows(s.xFloats, rows, cols, s.xCodes, s.xScales, 0) != 0) {
            return out.quantize(x, xOff); // a non-finite value: the Java path names it
        }
        s.xCodes.read(0, out.codes(), 0, rows * cols);
        s.xScales.read(0, out.scales(), 0, rows);
        return out;
    }

    @Override
    public void accumulateW8A8(Int8Activations x, Int8Matrix w, int[] acc, int accOff) {
        QuantChecks.sameCols("accumulateW8A8", x.cols(), w.cols());
        QuantChecks.window("accumulators", acc.length, accOff, (long) x.rows() * w.rows());
        Scratch s = run(x, w, false);
        s.out.read(0, acc, accOff, x.rows() * w.rows());
    }

    @Override
    public void gemmW8A8(Int8Activations x, Int8Matrix w, float[] y, int yOff) {
        QuantChecks.sameCols("gemmW8A8", x.cols(), w.cols());
        QuantChecks.window("output", y.length, yOff, (long) x.rows() * w.rows());
        Scratch s = run(x, w, true);
        s.out.read(0, y, yOff, x.rows() * w.rows());
    }

    /** Quantized natively into this thread's scratch, in the kernel's layout, multiplied from there: no codes copied out and back. */
    @Override
    public void gemmW8A8Dynamic(float[] x, int xOff, Int8Activations scratch, Int8Matrix w, float[] y, int yOff) {
        gemmW8A8Dynamic(x, xOff, scratch, w, y, yOff, null);
    }

    /**
     * As above; each thread copies the output columns it computed into {@code y} and runs
     * {@code epilogue} on them there, so the copy-out, the bias and an activation are split across the
     * threads with the product instead of following it on the caller. A {@link GemmEpilogue.Bias} has
     * its bias added by the kernel as it writes the outputs (the same float add), one pass less.
     */
    @Override
    public void gemmW8A8Dynamic(float[] x, int xOff, Int8Activations scratch, Int8Matrix w, float[] y, int yOff,
                                GemmEpilogue epilogue) {
        int rows = scratch.rows(), cols = scratch.cols();
        QuantChecks.sameCols("gemmW8A8Dynamic", cols, w.cols());
        QuantChecks.window("activations", x.length, xOff, (long) rows * cols);
        QuantChecks.window("output", y.length, yOff, (long) rows * w.rows());
        Scratch s = SCRATCH.get().fitFloats(rows, cols).fit(rows, cols, w.rows());
        int out = w.rows();
        FloatBuffer result = s.outFloats;
        Pointer bias = null;
        GemmEpilogue rest = epilogue;
        if (epilogue instanceof GemmEpilogue.Bias b && b.biasOff() >= 0 && b.biasOff() + out <= b.bias().length) {
            bias = NativeWeights.bias(b.bias()).share(4L * b.biasOff());
            rest = b.then();
        }
        GemmEpilogue after = rest;
        int stride = NativeQuantLibrary.paddedCols(cols);
        boolean[] nonFinite = new boolean[1];
        // Each thread first quantizes its share of the input rows into the kernel's layout (rows are
        // independent), then all take output blocks: no serial quantization before the section.
        Parallel.IntRangeBody quantize = (r0, r1) -> {
            Memory xf = s.xFloats;
            xf.write(4L * r0 * cols, x, xOff + r0 * cols, (r1 - r0) * cols);
            if (NativeQuantLibrary.jq_quantize_rows(xf.share(4L * r0 * cols), r1 - r0, cols,
                    s.xCodes.share((long) r0 * stride), s.xScales.share(4L * r0), 1) != 0) {
                nonFinite[0] = true;
            }
        };
        multiply(s, rows, w, true, bias, quantize, (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                result.get(r * out + c0, y, yOff + r * out + c0, c1 - c0);
            }
            if (after != null) {
                after.apply(y, yOff + c0, out, rows, c0, c1 - c0);
            }
        });
        if (nonFinite[0]) { // the products ran on a row with a NaN or an infinity: the Java path names it
            gemmW8A8(scratch.quantize(x, xOff), w, y, yOff);
            GemmEpilogue.whole(epilogue, y, yOff, w.rows(), rows, w.rows());
        }
    }

    private Scratch run(Int8Activations x, Int8Matrix w, boolean scaled) {
        int batch = x.rows(), in = w.cols();
        Scratch s = SCRATCH.get().fitFloats(batch, in).fit(batch, in, w.rows());
        s.xSigned.write(0, x.codes(), 0, batch * in);
        NativeQuantLibrary.jq_to_unsigned(s.xSigned, batch, in, s.xCodes);
        s.xScales.write(0, x.scales(), 0, batch);
        return multiply(s, batch, w, scaled, null, null, null);
    }

    /** Products with at most this many rows split their output blocks into one chunk per thread. */
    private static final int FEW_ROWS = 48;

    /**
     * The product on the codes (kernel layout) and scales already in {@code s}, the output columns split
     * over the threads in blocks of 16 (blocks are independent, so threads claim them as they come free,
     * except for products of a few rows, which give each thread one run of blocks),
     * {@code bias} (native, may be null) added to the scaled outputs, after {@code quantize} (may be null)
     * has filled the codes, its rows split over the same threads;
     * {@code done} (may be null) then runs on each thread for the output columns {@code [c0, c1)} it has
     * just computed.
     */
    private Scratch multiply(Scratch s, int batch, Int8Matrix w, boolean scaled, Pointer bias,
                             Parallel.IntRangeBody quantize, Parallel.IntRangeBody done) {
        int out = w.rows(), in = w.cols();
        NativeWeights nw = NativeWeights.of(w);
        Memory xCodes = s.xCodes, xScales = s.xScales, result = s.out;
        Pointer acc = scaled ? null : result;
        Pointer y = scaled ? result : null;
        int block = NativeQuantLibrary.BLOCK;
        int blocks = (out + block - 1) / block;
        int grain = (int) Math.max(1, PARALLEL_MACS / Math.max(1, (long) block * in * batch));
        Parallel.IntRangeBody blocksBody = (b0, b1) -> {
            int c0 = b0 * block;
            int c1 = Math.min(b1 * block, out);
            NativeQuantLibrary.jq_w8a8(xCodes, batch, nw.packed, nw.sums128, out, in, b0, b1, acc, xScales, nw.scales, bias, y);
            if (done != null) {
                done.run(c0, c1);
            }
        };
        // A few rows (a sentence at batch 1): one chunk per thread. Each chunk is a native call and a
        // copy-out of its columns, row by row, and at ~30 µs a product that costs more than claiming
        // saves (MiniLM int8 at batch 1: 0.924x and 0.979x the time in two paired A/Bs of 20 rounds).
        int chunks = batch <= FEW_ROWS ? Parallel.chunkCount(blocks, grain) : Parallel.balancedChunks(blocks, grain);
        if (quantize == null) {
            Parallel.parallelForBalanced(blocks, chunks, blocksBody);
        } else {
            Parallel.parallelForBalanced(batch, quantize, blocks, chunks, blocksBody);
        }
        QuantWork.recordInt8(batch, out, in);
        return s;
    }

    @Override
    public void gemmInt8Weights(float[] x, int xOff, int batch, Int8Matrix w, float[] y, int yOff) {
        weightOnly.gemmInt8Weights(x, xOff, batch, w, y, yOff);
    }

    @Override
    public void gemmInt4Weights(float[] x, int xOff, int batch, Int4Matrix w, float[] y, int yOff) {
        weightOnly.gemmInt4Weights(x, xOff, batch, w, y, yOff);
    }

    /** One thread's native buffers for activation codes (kernel layout, or signed), scales and results, grown as needed. */
    private static final class Scratch {
        Memory xCodes = new Memory(64);
        Memory xSigned = new Memory(64);
        Memory xScales = new Memory(64);
        Memory out = new Memory(64);
        Memory xFloats = new Memory(64);

        Scratch fitFloats(int rows, int cols) {
            xFloats = grow(xFloats, 4L * rows * cols);
            xSigned = grow(xSigned, (long) rows * cols);
            xCodes = grow(xCodes, (long) rows * NativeQuantLibrary.paddedCols(cols));
            xScales = grow(xScales, 4L * rows);
            return this;
        }

        Scratch fit(int batch, int in, int outs) {
            xCodes = grow(xCodes, (long) batch * NativeQuantLibrary.paddedCols(in));
            xScales = grow(xScales, 4L * batch);
            Memory grown = grow(out, 4L * batch * outs);
            if (grown != out || outFloats == null) {
                out = grown;
                outFloats = out.getByteBuffer(0, out.size()).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            return this;
        }

        /**
         * {@link #out} as floats: a view, so a thread copies its columns of each row out with a plain memory copy
         * instead of one native call per row (24 rows × 4 chunks per product made the int8 products 20-40 % slower).
         */
        FloatBuffer outFloats;

        private static Memory grow(Memory m, long bytes) {
            return m.size() >= bytes ? m : new Memory(Math.max(bytes, 2 * m.size()));
        }
    }
}

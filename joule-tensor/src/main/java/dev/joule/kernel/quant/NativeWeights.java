package dev.joule.kernel.quant;

import com.sun.jna.Memory;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * An {@link Int8Matrix}'s codes (packed for the kernel), scales and {@code 128 · Σ_i q[o, i]} row sums copied once into
 * native memory, so a native call passes pointers instead of having JNA copy a megabyte of weights
 * per call. Cached per matrix identity (weakly: the copy goes when the matrix does; JNA frees
 * {@link Memory} when it is collected). The matrix is treated as immutable, as its users do: codes
 * changed in place after the first native call are not seen.
 */
final class NativeWeights {
    private static final Map<Int8Matrix, NativeWeights> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** The codes in the kernel's layout ({@code jq_pack_vnni}: 16 outputs per vector, four inputs per lane). */
    final Memory packed;
    final Memory scales;
    final Memory sums128;

    private NativeWeights(Int8Matrix w) {
        int rows = w.rows(), cols = w.cols();
        Memory codes = new Memory((long) rows * cols);
        codes.write(0, w.codes(), 0, rows * cols);
        packed = new Memory(NativeQuantLibrary.packedBytes(rows, cols));
        NativeQuantLibrary.jq_pack_vnni(codes, rows, cols, packed);
        scales = new Memory(4L * rows);
        scales.write(0, w.scales(), 0, rows);
        sums128 = new Memory(4L * rows);
        NativeQuantLibrary.jq_row_sums128(codes, rows, cols, sums128);
    }

    static NativeWeights of(Int8Matrix w) {
        return CACHE.computeIfAbsent(w, NativeWeights::new);
    }

    private static final Map<float[], Memory> BIASES = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * A bias vector copied once into native memory, for the kernel to add as it writes the outputs
     * (cached per array identity, like the weights, and like them treated as immutable).
     */
    static Memory bias(float[] bias) {
        return BIASES.computeIfAbsent(bias, b -> {
            Memory m = new Memory(4L * Math.max(1, b.length));
            m.write(0, b, 0, b.length);
            return m;
        });
    }
}

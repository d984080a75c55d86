package dev.joule.kernel.quant;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.joule.kernel.NativeResource;
import java.util.List;
import java.util.Optional;

/**
 * {@code libjoulequant.so} (joule-tensor/src/main/c/joulequant.c) bound by JNA direct mapping:
 * static natives with {@link Pointer} arguments, so no Java array is copied by the binding itself;
 * the callers keep weights in native memory ({@link NativeWeights}) and copy only activations and
 * results. {@link #load()} decides whether the library may be used at all and says why not.
 */
final class NativeQuantLibrary {
    /** Must equal {@code jq_abi_version()} in the C file. */
    static final int ABI_VERSION = 4;
    private static final NativeResource.Library LIBRARY = new NativeResource.Library(NativeQuantLibrary.class,
            "/native/linux-x86_64/libjoulequant.so", "the native int8 kernel", List.of("avx512f", "avx512bw", "avx512_vnni"),
            "AVX-512 VNNI", ABI_VERSION);

    private NativeQuantLibrary() {}

    static native int jq_abi_version();

    static native int jq_cpu_supported();

    static native void jq_row_sums128(Pointer w, int rows, int cols, Pointer sums);

    static native void jq_pack_vnni(Pointer w, int out, int cols, Pointer packed);

    static native void jq_w8a8(Pointer ux, int batch, Pointer packed, Pointer sums128, int out, int cols,
                               int blk0, int blk1, Pointer acc, Pointer xs, Pointer ws, Pointer bias, Pointer y);

    static native void jq_to_unsigned(Pointer q, int rows, int cols, Pointer ux);

    static native int jq_quantize_rows(Pointer x, int rows, int cols, Pointer q, Pointer scales, int forKernel);

    /** Outputs per block of {@code jq_pack_vnni}'s layout (one 512-bit vector of int32 sums). */
    static final int BLOCK = 16;

    /** Bytes per activation row in the kernel's layout: the columns padded to a multiple of 4. */
    static int paddedCols(int cols) {
        return (cols + 3) / 4 * 4;
    }

    /** Bytes of {@code jq_pack_vnni}'s packed weights for an {@code out × cols} matrix. */
    static long packedBytes(int out, int cols) {
        return (long) ((out + BLOCK - 1) / BLOCK) * BLOCK * paddedCols(cols);
    }

    /** Empty when usable; otherwise the reason it is not (one line for the log). */
    static Optional<String> load() {
        return NativeResource.load(LIBRARY,
                file -> Native.register(NativeQuantLibrary.class, NativeLibrary.getInstance(file.toString())),
                NativeQuantLibrary::jq_abi_version, NativeQuantLibrary::jq_cpu_supported);
    }
}

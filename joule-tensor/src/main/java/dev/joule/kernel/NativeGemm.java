package dev.joule.kernel;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code libjoulegemm.so} (joule-tensor/src/main/c/joulegemm.c): the f32 product of a few rows of
 * activations with pre-packed weights, with software prefetch of the weight stream (ADR 0004). Used
 * by {@link VectorPrepackedGemm#gemmPrepacked} for products of at most {@link VectorGemm#SMALL_ROWS} rows (a
 * sentence at batch 1), where every weight comes from memory and the Java kernels wait on it.
 *
 * <p>Same results as the Java kernels, bit for bit: each output is one chain of FMAs over the whole
 * depth in order. Decided once, logged once: used when the CPU has AVX-512, the library is in the jar
 * (built where gcc exists, Maven profile {@code native}), loads, has the expected ABI and passes a
 * self-test against the FMA-chain reference; {@code -Djoule.gemm.native=false} turns it off.
 */
final class NativeGemm {
    private static final Logger LOG = LoggerFactory.getLogger(NativeGemm.class);
    /** Must equal {@code JG_ABI_VERSION} in the C file. */
    static final int ABI_VERSION = 1;
    private static final NativeResource.Library LIBRARY = new NativeResource.Library(NativeGemm.class,
            "/native/linux-x86_64/libjoulegemm.so", "the native f32 kernel", List.of("avx512f"), "AVX-512", ABI_VERSION);
    /** Columns per packed panel: the layout of {@link VectorPrepackedGemm#packWeights} with 512-bit vectors. */
    static final int PANEL = 32;

    static final String IN_USE = "native (libjoulegemm.so, AVX-512 with prefetch)";
    /** Why the native kernel is not used, or null when it is (after {@link #IN_USE}, which its log line reads). */
    private static final String UNUSED_BECAUSE = decide();

    private NativeGemm() {}

    /** Whether {@link #panels} may be called. */
    static boolean available() {
        return UNUSED_BECAUSE == null;
    }

    /** {@link #IN_USE}, or "Java kernels (why not)": what {@code joule info} and the log say. */
    static String status() {
        return UNUSED_BECAUSE == null ? IN_USE : "Java kernels (" + UNUSED_BECAUSE + ")";
    }

    private static native int abiVersion();

    private static native int cpuSupported();

    private static native int panels(int m, int k, float[] a, int aOff, int lda, float[] pb, int pbOff, int panels,
                                     float[] c, int cOff, int ldc);

    /**
     * {@code C[m × 32·panels] = A[m × k] · B} for the full-depth panels of {@code pb} from {@code pbOff}
     * ({@code k · 32} floats each), A row-major ({@code lda} apart), C {@code ldc} apart; C is overwritten.
     * Returns false (nothing written) when the JVM could not pin an array; the caller then runs the Java kernels.
     *
     * @throws IndexOutOfBoundsException when an operand does not fit its array (checked here: the native code trusts it)
     */
    static boolean multiply(int m, int k, float[] a, int aOff, int lda, float[] pb, int pbOff, int panels,
                            float[] c, int cOff, int ldc) {
        if (m <= 0 || panels <= 0) {
            return true;
        }
        int width = panels * PANEL;
        if (k <= 0 || lda < k || ldc < width) {
            throw new IndexOutOfBoundsException("native gemm: k " + k + ", lda " + lda + ", ldc " + ldc + " for "
                    + width + " columns");
        }
        check("A", a, aOff, (long) (m - 1) * lda + k);
        check("packed B", pb, pbOff, (long) panels * k * PANEL);
        check("C", c, cOff, (long) (m - 1) * ldc + width);
        return panels(m, k, a, aOff, lda, pb, pbOff, panels, c, cOff, ldc) == 0;
    }

    private static void check(String what, float[] array, int off, long span) {
        if (off < 0 || off + span > array.length) {
            throw new IndexOutOfBoundsException("native gemm: " + what + " needs " + span + " floats from " + off
                    + ", the array holds " + array.length);
        }
    }

    /** Null when the native kernel may be used, else why not; logged once. */
    private static String decide() {
        Optional<String> why = Boolean.parseBoolean(System.getProperty("joule.gemm.native", "true")) ? load()
                : Optional.of("native turned off by -Djoule.gemm.native=false");
        if (why.isEmpty()) {
            why = selfTest();
        }
        LOG.info("f32 few-row products: {}", why.map(w -> "Java kernels (" + w + ")").orElse(IN_USE));
        return why.orElse(null);
    }

    /** Empty when the library is loaded and usable; otherwise why not (one line for the log). */
    private static Optional<String> load() {
        return NativeResource.load(LIBRARY, file -> System.load(file.toString()), NativeGemm::abiVersion,
                NativeGemm::cpuSupported);
    }

    /** Shapes that take every row kernel (1-12 rows and twelve-row blocks) against {@link #reference}, bit for bit. */
    private static Optional<String> selfTest() {
        Random r = new Random(17);
        for (int m : new int[] {1, 5, 12, 13, 23, 30}) {
            int k = 37;
            int panels = 2;
            int lda = k + 3;
            int ldc = panels * PANEL + 5;
            float[] a = new float[m * lda];
            float[] pb = new float[panels * k * PANEL];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < pb.length; i++) {
                pb[i] = r.nextFloat() - 0.5f;
            }
            float[] got = new float[m * ldc];
            float[] want = new float[m * ldc];
            if (!multiply(m, k, a, 0, lda, pb, 0, panels, got, 0, ldc)) {
                return Optional.of("libjoulegemm.so could not pin its arrays in the self-test");
            }
            reference(m, k, a, 0, lda, pb, 0, panels, want, 0, ldc);
            for (int i = 0; i < got.length; i++) {
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                    return Optional.of("libjoulegemm.so differs from the FMA-chain reference at m " + m + ", index " + i
                            + ": " + got[i] + " against " + want[i]);
                }
            }
        }
        return Optional.empty();
    }

    /** What {@link #multiply} computes, one scalar FMA chain per output (the self-test's and the tests' reference). */
    static void reference(int m, int k, float[] a, int aOff, int lda, float[] pb, int pbOff, int panels,
                          float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < panels * PANEL; j++) {
                int panel = pbOff + j / PANEL * k * PANEL + j % PANEL;
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[aOff + i * lda + p], pb[panel + p * PANEL], acc);
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }
}

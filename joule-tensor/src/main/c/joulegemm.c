/*
 * Joule's native f32 kernel for products of few rows against pre-packed weights (ADR 0004): a
 * sentence at batch 1, where every weight is streamed from memory and meets only a handful of rows.
 *
 * Why native: the Java twelve-row kernel (VectorTallKernel) reaches the FMA ceiling with its operands
 * in cache, but streaming MiniLM's 42 MB of weights it ran at about 35 GMAC/s per thread on the pass
 * that reads a panel from memory. Java has no prefetch instruction, and a plain load that misses holds
 * up the loop (tried: 0.73-0.84x). This kernel asks for the panel's lines 4 KiB ahead of the FMAs
 * (prefetcht0), so the memory stream overlaps the arithmetic.
 *
 * Same arithmetic as the Java kernels, bit for bit: each output is one chain of FMAs over the depth
 * in order, starting from zero, then stored (the Java few-row path takes the whole depth in one
 * slice). Compiled with -ffp-contract=off and without -ffast-math; the FMAs are explicit.
 *
 * Bound through JNI with GetPrimitiveArrayCritical: the Java arrays (activations, packed weights,
 * output) are used in place, nothing is copied. The critical section lasts one product chunk
 * (tens of microseconds). The Java side (NativeGemm) checks every bound before calling.
 *
 * Layout of the packed weights (VectorGemm.packWeights with 512-bit vectors): panels of 32 columns,
 * each the full depth k, the 32 values of depth step p at panel + 32 p.
 *
 * Build: gcc -O3 -march=x86-64-v4 -ffp-contract=off -shared -fPIC -I$JAVA_HOME/include
 * -I$JAVA_HOME/include/linux (Maven profile "native" in joule-tensor/pom.xml).
 */
#include <immintrin.h>
#include <jni.h>
#include <stdint.h>

/** Bumped when a signature changes, so Java refuses a stale library. */
#define JG_ABI_VERSION 1
/** Columns per packed panel: two 512-bit vectors. */
#define PANEL 32
/** How far ahead of the FMAs the panel's lines are requested: 32 depth steps of 128 bytes. */
#define PREFETCH_BYTES 4096

/*
 * C[R x 32] = A[R x k] . panel, A row-major (lda apart, read in place), C ldc apart. R is a constant
 * at every call site, so the accumulators are registers (R = 12: 24 of the 32 zmm registers).
 */
static inline __attribute__((always_inline)) void rows_times_panel(
        const int R, const float *a, int lda, const float *panel, int k, float *c, int ldc) {
    __m512 lo[12], hi[12];
    for (int r = 0; r < R; r++) {
        lo[r] = _mm512_setzero_ps();
        hi[r] = _mm512_setzero_ps();
    }
    const float *bp = panel;
    for (int p = 0; p < k; p++, bp += PANEL) {
        _mm_prefetch((const char *) bp + PREFETCH_BYTES, _MM_HINT_T0);
        _mm_prefetch((const char *) bp + PREFETCH_BYTES + 64, _MM_HINT_T0);
        const __m512 b0 = _mm512_loadu_ps(bp);
        const __m512 b1 = _mm512_loadu_ps(bp + 16);
        for (int r = 0; r < R; r++) {
            const __m512 av = _mm512_set1_ps(a[(intptr_t) r * lda + p]);
            lo[r] = _mm512_fmadd_ps(av, b0, lo[r]);
            hi[r] = _mm512_fmadd_ps(av, b1, hi[r]);
        }
    }
    for (int r = 0; r < R; r++) {
        _mm512_storeu_ps(c + (intptr_t) r * ldc, lo[r]);
        _mm512_storeu_ps(c + (intptr_t) r * ldc + 16, hi[r]);
    }
}

#define ROWS_KERNEL(R) \
    static void rows##R(const float *a, int lda, const float *panel, int k, float *c, int ldc) { \
        rows_times_panel(R, a, lda, panel, k, c, ldc); \
    }
ROWS_KERNEL(1) ROWS_KERNEL(2) ROWS_KERNEL(3) ROWS_KERNEL(4) ROWS_KERNEL(5) ROWS_KERNEL(6)
ROWS_KERNEL(7) ROWS_KERNEL(8) ROWS_KERNEL(9) ROWS_KERNEL(10) ROWS_KERNEL(11) ROWS_KERNEL(12)

typedef void (*rows_fn)(const float *, int, const float *, int, float *, int);
static const rows_fn ROWS[13] = {0, rows1, rows2, rows3, rows4, rows5, rows6,
                                 rows7, rows8, rows9, rows10, rows11, rows12};

/*
 * C[m x 32 panels] = A[m x k] . panels: for each panel, twelve rows at a time, then the rest in one
 * pass. The first pass over a panel reads it from memory; the later ones find it in L2.
 */
static void gemm_panels(int m, int k, const float *a, int lda, const float *pb, int panels, float *c, int ldc) {
    for (int q = 0; q < panels; q++) {
        const float *panel = pb + (intptr_t) q * k * PANEL;
        float *cq = c + (intptr_t) q * PANEL;
        int r = 0;
        for (; r + 12 <= m; r += 12) {
            rows12(a + (intptr_t) r * lda, lda, panel, k, cq + (intptr_t) r * ldc, ldc);
        }
        if (r < m) {
            ROWS[m - r](a + (intptr_t) r * lda, lda, panel, k, cq + (intptr_t) r * ldc, ldc);
        }
    }
}

JNIEXPORT jint JNICALL Java_dev_joule_kernel_NativeGemm_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return JG_ABI_VERSION;
}

/** 1 when this CPU runs the kernel (AVX-512 F, which implies the FMAs on 512-bit vectors). */
JNIEXPORT jint JNICALL Java_dev_joule_kernel_NativeGemm_cpuSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

/*
 * C[cOff + i ldc + j] = sum_p A[aOff + i lda + p] * B[p, j] for i < m, j < 32 panels, with B the
 * panels from pbOff. Bounds are checked by the caller. Returns 0, or -1 when an array could not be
 * pinned (the JVM is out of memory; the caller then runs the Java kernels).
 */
JNIEXPORT jint JNICALL Java_dev_joule_kernel_NativeGemm_panels(
        JNIEnv *env, jclass cls, jint m, jint k, jfloatArray a, jint aOff, jint lda,
        jfloatArray pb, jint pbOff, jint panels, jfloatArray c, jint cOff, jint ldc) {
    (void) cls;
    float *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    if (pa == NULL) {
        return -1;
    }
    float *pp = (*env)->GetPrimitiveArrayCritical(env, pb, NULL);
    if (pp == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
        return -1;
    }
    float *pc = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pc == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, pb, pp, JNI_ABORT);
        (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
        return -1;
    }
    gemm_panels(m, k, pa + aOff, lda, pp + pbOff, panels, pc + cOff, ldc);
    (*env)->ReleasePrimitiveArrayCritical(env, c, pc, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, pb, pp, JNI_ABORT);
    (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
    return 0;
}

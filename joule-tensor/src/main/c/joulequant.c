/*
 * Joule's native int8 kernel (ADR 0010): exact W8A8 sums with AVX-512 VNNI (vpdpbusd).
 *
 * vpdpbusd multiplies unsigned bytes by signed bytes and adds groups of four products into int32
 * lanes without saturation. Activation codes are signed, so each is shifted to x + 128 (an xor with
 * 0x80) and the surplus 128 * sum_i w[o, i] is subtracted per output row, precomputed once per
 * weight matrix (jq_row_sums128). All arithmetic wraps modulo 2^32; the true sum fits int32
 * (|q| <= 127, cols <= Int8Matrix.MAX_COLS), so the wrapped result is exact and equals the Java
 * reference bit for bit. The epilogue is the Java expression (float) acc * (xScale * wScale);
 * compiled without -ffast-math and with -ffp-contract=off, so the f32 outputs match too.
 *
 * Build: gcc -O3 -march=x86-64-v4 -mavx512vnni -ffp-contract=off -shared -fPIC (Maven profile
 * "native" in joule-tensor/pom.xml). The caller (Java) checks the CPU flags before any call.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stddef.h>

#define JQ_API __attribute__((visibility("default")))

/** Bumped when a signature changes, so Java refuses a stale library. */
JQ_API int32_t jq_abi_version(void) { return 2; }

/** 1 when this CPU runs the kernels (AVX-512 F/BW and VNNI). */
JQ_API int32_t jq_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vnni");
}

/** sums[o] = 128 * sum_i w[o, i], modulo 2^32 (the u8-shift correction). */
JQ_API void jq_row_sums128(const int8_t *w, int32_t rows, int32_t cols, int32_t *sums) {
    for (int32_t o = 0; o < rows; o++) {
        const int8_t *row = w + (size_t) o * cols;
        int64_t s = 0;
        for (int32_t i = 0; i < cols; i++) {
            s += row[i];
        }
        sums[o] = (int32_t) (uint32_t) ((uint64_t) s * 128u);
    }
}

static inline __attribute__((always_inline)) __mmask64 tail_mask(int32_t left) {
    return left >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << left) - 1);
}

/*
 * Four accumulators (one activation row, weight rows o .. o + 3) reduced together: two rounds of
 * unpack-and-add leave each 128-bit lane holding partial sums of all four, then the lanes are added.
 * Integer adds wrap, so the order does not matter; the epilogue is the scalar expression per lane.
 */
static inline __attribute__((always_inline)) void finish4(
        const __m512i s[4], int32_t b, int32_t out, int32_t o, const int32_t *sums128,
        int32_t *acc, const float *xs, const float *ws, float *y) {
    __m512i t0 = _mm512_add_epi32(_mm512_unpacklo_epi32(s[0], s[1]), _mm512_unpackhi_epi32(s[0], s[1]));
    __m512i t1 = _mm512_add_epi32(_mm512_unpacklo_epi32(s[2], s[3]), _mm512_unpackhi_epi32(s[2], s[3]));
    __m512i u = _mm512_add_epi32(_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1));
    __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(u), _mm512_extracti64x4_epi64(u, 1));
    __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    q = _mm_sub_epi32(q, _mm_loadu_si128((const __m128i *) (sums128 + o)));
    size_t at = (size_t) b * out + o;
    if (acc) _mm_storeu_si128((__m128i *) (acc + at), q);
    if (y) {
        __m128 scale = _mm_mul_ps(_mm_set1_ps(xs[b]), _mm_loadu_ps(ws + o));
        _mm_storeu_ps(y + at, _mm_mul_ps(_mm_cvtepi32_ps(q), scale));
    }
}

/*
 * NB activation rows (b0 ..) times NO weight rows (o ..): NB * NO zmm accumulators, each weight
 * load feeds NB dot instructions and each activation load NO. Constant NB/NO after inlining, so the
 * loops unroll and the accumulators stay in registers.
 */
static inline __attribute__((always_inline)) void tile(
        const int8_t *qx, int32_t b0, const int8_t *qw, const int32_t *sums128, int32_t out,
        int32_t cols, int32_t o, const int NB, const int NO,
        int32_t *acc, const float *xs, const float *ws, float *y) {
    __m512i s[4][4];
    const __m512i flip = _mm512_set1_epi8((char) 0x80);
    for (int b = 0; b < NB; b++)
        for (int r = 0; r < NO; r++)
            s[b][r] = _mm512_setzero_si512();
    const int8_t *xrow[4];
    const int8_t *wrow[4];
    for (int b = 0; b < NB; b++) xrow[b] = qx + (size_t) (b0 + b) * cols;
    for (int r = 0; r < NO; r++) wrow[r] = qw + (size_t) (o + r) * cols;
    int32_t i = 0;
    for (; i + 64 <= cols; i += 64) {
        __m512i wv[4], xv[4];
        for (int r = 0; r < NO; r++) wv[r] = _mm512_loadu_si512((const void *) (wrow[r] + i));
        for (int b = 0; b < NB; b++) xv[b] = _mm512_xor_si512(_mm512_loadu_si512((const void *) (xrow[b] + i)), flip);
        for (int b = 0; b < NB; b++)
            for (int r = 0; r < NO; r++)
                s[b][r] = _mm512_dpbusd_epi32(s[b][r], xv[b], wv[r]);
    }
    if (i < cols) {
        /* Masked tail: weights read as 0 beyond cols, so the (x + 128) there multiplies nothing. */
        __mmask64 m = tail_mask(cols - i);
        __m512i wv[4], xv[4];
        for (int r = 0; r < NO; r++) wv[r] = _mm512_maskz_loadu_epi8(m, (const void *) (wrow[r] + i));
        for (int b = 0; b < NB; b++) xv[b] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, (const void *) (xrow[b] + i)), flip);
        for (int b = 0; b < NB; b++)
            for (int r = 0; r < NO; r++)
                s[b][r] = _mm512_dpbusd_epi32(s[b][r], xv[b], wv[r]);
    }
    if (NO == 4) {
        for (int b = 0; b < NB; b++) finish4(s[b], b0 + b, out, o, sums128, acc, xs, ws, y);
        return;
    }
    for (int b = 0; b < NB; b++) {
        for (int r = 0; r < NO; r++) {
            uint32_t raw = (uint32_t) _mm512_reduce_add_epi32(s[b][r]);
            int32_t a = (int32_t) (raw - (uint32_t) sums128[o + r]);
            size_t at = (size_t) (b0 + b) * out + (o + r);
            if (acc) acc[at] = a;
            if (y) y[at] = (float) a * (xs[b0 + b] * ws[o + r]);
        }
    }
}

/* Rows o0 .. o1 for activation rows b0 .. b0 + NB, four weight rows at a time. */
static inline __attribute__((always_inline)) void rows_for(
        const int8_t *qx, int32_t b0, const int NB, const int8_t *qw, const int32_t *sums128,
        int32_t out, int32_t cols, int32_t o0, int32_t o1,
        int32_t *acc, const float *xs, const float *ws, float *y) {
    int32_t o = o0;
    for (; o + 4 <= o1; o += 4) tile(qx, b0, qw, sums128, out, cols, o, NB, 4, acc, xs, ws, y);
    for (; o < o1; o++) tile(qx, b0, qw, sums128, out, cols, o, NB, 1, acc, xs, ws, y);
}

/*
 * W8A8 for output rows [o0, o1) of all batch rows: acc[b * out + o] (exact int32) when acc is not
 * NULL, y[b * out + o] = (float) acc * (xs[b] * ws[o]) when y is not NULL. qx is [batch, cols],
 * qw [out, cols], both row-major int8 in [-127, 127].
 */
JQ_API void jq_w8a8(const int8_t *qx, int32_t batch, const int8_t *qw, const int32_t *sums128,
                    int32_t out, int32_t cols, int32_t o0, int32_t o1,
                    int32_t *acc, const float *xs, const float *ws, float *y) {
    if (o1 <= o0 || batch <= 0 || cols <= 0) return;
    /* Weight-row blocks of 32 outputs keep a block's weights in L1/L2 while every batch row passes. */
    const int32_t OB = batch >= 4 ? 32 : o1 - o0;
    for (int32_t ob = o0; ob < o1; ob += OB) {
        int32_t oe = ob + OB < o1 ? ob + OB : o1;
        int32_t b = 0;
        for (; b + 4 <= batch; b += 4) rows_for(qx, b, 4, qw, sums128, out, cols, ob, oe, acc, xs, ws, y);
        switch (batch - b) {
            case 3: rows_for(qx, b, 3, qw, sums128, out, cols, ob, oe, acc, xs, ws, y); break;
            case 2: rows_for(qx, b, 2, qw, sums128, out, cols, ob, oe, acc, xs, ws, y); break;
            case 1: rows_for(qx, b, 1, qw, sums128, out, cols, ob, oe, acc, xs, ws, y); break;
            default: break;
        }
    }
}

/*
 * Dynamic symmetric int8 quantization of rows x rows of cols floats, the rule of Java's
 * SymmetricInt8.quantizeRow: scale = amax / 127 (float), q = clamp(rint(x / scale), -127, 127),
 * rounding half to even (roundscale with the default nearest-even mode), an all-zero row gets scale 0
 * and codes 0. Returns 0, or -1 at the first non-finite value (the Java caller then names it).
 */
JQ_API int32_t jq_quantize_rows(const float *x, int32_t rows, int32_t cols, int8_t *q, float *scales) {
    const __m512 finite_max = _mm512_set1_ps(3.40282347e38f);
    const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
    for (int32_t r = 0; r < rows; r++) {
        const float *row = x + (size_t) r * cols;
        int8_t *out = q + (size_t) r * cols;
        __m512 amax = _mm512_setzero_ps();
        for (int32_t i = 0; i < cols; i += 16) {
            __mmask16 m = cols - i >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (cols - i)) - 1);
            __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(m, row + i));
            if (_mm512_mask_cmp_ps_mask(m, a, finite_max, _CMP_LE_OQ) != m) return -1; /* NaN or Inf */
            amax = _mm512_max_ps(amax, a);
        }
        float scale = _mm512_reduce_max_ps(amax) / 127.0f;
        scales[r] = scale;
        if (scale == 0.0f) {
            for (int32_t i = 0; i < cols; i++) out[i] = 0;
            continue;
        }
        const __m512 sv = _mm512_set1_ps(scale);
        for (int32_t i = 0; i < cols; i += 16) {
            __mmask16 m = cols - i >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (cols - i)) - 1);
            __m512 v = _mm512_div_ps(_mm512_maskz_loadu_ps(m, row + i), sv);
            v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            _mm512_mask_cvtepi32_storeu_epi8(out + i, m, _mm512_cvtps_epi32(v));
        }
    }
    return 0;
}

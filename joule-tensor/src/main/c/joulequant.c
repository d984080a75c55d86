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
#include <string.h>

#define JQ_API __attribute__((visibility("default")))

/** Bumped when a signature changes, so Java refuses a stale library. */
JQ_API int32_t jq_abi_version(void) { return 4; }

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

/*
 * Weights packed for vpdpbusd with the outputs across the lanes: block blk holds outputs
 * blk * 16 .. blk * 16 + 15, and its k4-th 64-byte group holds, for each of those 16 outputs, the four
 * codes of inputs k4 * 4 .. k4 * 4 + 3. One dpbusd then adds four products into each of 16 output
 * lanes, with the four activation bytes broadcast: no horizontal sums, and the results store as
 * whole vectors. Codes beyond out or cols are 0, so they multiply nothing.
 */
JQ_API void jq_pack_vnni(const int8_t *w, int32_t out, int32_t cols, int8_t *packed) {
    const int32_t k4s = (cols + 3) / 4, blocks = (out + 15) / 16;
    for (int32_t blk = 0; blk < blocks; blk++) {
        for (int32_t k4 = 0; k4 < k4s; k4++) {
            int8_t *group = packed + ((size_t) blk * k4s + k4) * 64;
            for (int32_t j = 0; j < 16; j++) {
                for (int32_t t = 0; t < 4; t++) {
                    int32_t o = blk * 16 + j, i = k4 * 4 + t;
                    group[j * 4 + t] = (o < out && i < cols) ? w[(size_t) o * cols + i] : 0;
                }
            }
        }
    }
}

/*
 * MR activation rows (b0 ..) by NR output blocks (blk0 ..): MR * NR zmm accumulators kept in
 * registers over the whole input (the unroll pragmas matter: without them gcc keeps the array on the
 * stack and the kernel runs at half speed). Per four inputs: NR weight loads, MR broadcasts, MR * NR
 * dot instructions. Then the u8-shift correction, and acc and/or y stored masked at the last block.
 */
static inline __attribute__((always_inline)) void micro(
        const uint8_t *ux, int32_t b0, int32_t stride, const int8_t *packed, int32_t k4s, int32_t blk0,
        const int32_t *sums128, int32_t out, const int MR, const int NR,
        int32_t *acc, const float *xs, const float *ws, const float *bias, float *y, const int8_t *pf) {
    __m512i s[6][4];
#pragma GCC unroll 6
    for (int m = 0; m < MR; m++)
#pragma GCC unroll 4
        for (int n = 0; n < NR; n++) s[m][n] = _mm512_setzero_si512();
    const int8_t *wp[4];
#pragma GCC unroll 4
    for (int n = 0; n < NR; n++) wp[n] = packed + (size_t) (blk0 + n) * k4s * 64;
    const uint8_t *xp = ux + (size_t) b0 * stride;
    for (int32_t k4 = 0; k4 < k4s; k4++) {
        _mm_prefetch((const char *) (pf + (size_t) k4 * 64), _MM_HINT_T1);
        __m512i wv[4];
#pragma GCC unroll 4
        for (int n = 0; n < NR; n++) wv[n] = _mm512_loadu_si512((const void *) (wp[n] + (size_t) k4 * 64));
#pragma GCC unroll 6
        for (int m = 0; m < MR; m++) {
            int32_t four;
            memcpy(&four, xp + (size_t) m * stride + (size_t) k4 * 4, 4);
            __m512i xv = _mm512_set1_epi32(four);
#pragma GCC unroll 4
            for (int n = 0; n < NR; n++) s[m][n] = _mm512_dpbusd_epi32(s[m][n], xv, wv[n]);
        }
    }
#pragma GCC unroll 4
    for (int n = 0; n < NR; n++) {
        int32_t o = (blk0 + n) * 16;
        int32_t left = out - o;
        __mmask16 mk = left >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << left) - 1);
        __m512i correction = _mm512_maskz_loadu_epi32(mk, sums128 + o);
        __m512 wsv = y ? _mm512_maskz_loadu_ps(mk, ws + o) : _mm512_setzero_ps();
        __m512 bv = bias ? _mm512_maskz_loadu_ps(mk, bias + o) : _mm512_setzero_ps();
#pragma GCC unroll 6
        for (int m = 0; m < MR; m++) {
            __m512i q = _mm512_sub_epi32(s[m][n], correction);
            size_t at = (size_t) (b0 + m) * out + o;
            if (acc) _mm512_mask_storeu_epi32(acc + at, mk, q);
            if (y) {
                __m512 scale = _mm512_mul_ps(_mm512_set1_ps(xs[b0 + m]), wsv);
                __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(q), scale);
                if (bias) v = _mm512_add_ps(v, bv); /* a separate add, as Java's c + bias (no contraction) */
                _mm512_mask_storeu_ps(y + at, mk, v);
            }
        }
    }
}

/*
 * One out-of-line function per tile shape, so register allocation happens in a small function: with
 * the tile inlined into the loops below, gcc 12 spilled the accumulators to the stack (depending on
 * unrelated code such as an early return) and the kernel ran at half speed.
 */
typedef void (*micro_fn)(const uint8_t *, int32_t, int32_t, const int8_t *, int32_t, int32_t, const int32_t *,
                         int32_t, int32_t *, const float *, const float *, const float *, float *, const int8_t *);
#define MICRO(MR, NR) \
    static __attribute__((noinline)) void micro_##MR##_##NR( \
            const uint8_t *ux, int32_t b0, int32_t stride, const int8_t *packed, int32_t k4s, int32_t blk0, \
            const int32_t *sums128, int32_t out, int32_t *acc, const float *xs, const float *ws, const float *bias, \
            float *y, const int8_t *pf) { \
        micro(ux, b0, stride, packed, k4s, blk0, sums128, out, MR, NR, acc, xs, ws, bias, y, pf); \
    }
#define MICRO_ROW(MR) MICRO(MR, 1) MICRO(MR, 2) MICRO(MR, 3) MICRO(MR, 4)
MICRO_ROW(1) MICRO_ROW(2) MICRO_ROW(3) MICRO_ROW(4) MICRO_ROW(5) MICRO_ROW(6)
#define MICRO_REF(MR) {micro_##MR##_1, micro_##MR##_2, micro_##MR##_3, micro_##MR##_4}
/* MICROS[MR - 1][NR - 1] */
static const micro_fn MICROS[6][4] = {MICRO_REF(1), MICRO_REF(2), MICRO_REF(3), MICRO_REF(4), MICRO_REF(5), MICRO_REF(6)};

/*
 * W8A8 for output blocks [blk0, blk1) (16 outputs each; the last may be partial) of all batch rows:
 * acc[b * out + o] (exact int32) when acc is not NULL, y[b * out + o] = (float) acc * (xs[b] * ws[o])
 * (+ bias[o] when bias is not NULL) when y is not NULL. ux holds the activation codes shifted to x + 128, row stride (cols + 3) / 4 * 4
 * (jq_to_unsigned or jq_quantize_rows with for_kernel 1); packed is jq_pack_vnni's layout. Tiles are
 * up to six rows by four blocks, the next panel prefetched; rows go in slabs of 120, so a slab's activations stay in L2 while
 * every block of this thread's weights passes over them.
 */
JQ_API void jq_w8a8(const uint8_t *ux, int32_t batch, const int8_t *packed, const int32_t *sums128,
                    int32_t out, int32_t cols, int32_t blk0, int32_t blk1,
                    int32_t *acc, const float *xs, const float *ws, const float *bias, float *y) {
    const int32_t k4s = (cols + 3) / 4, stride = k4s * 4, SLAB = 120, blocks = (out + 15) / 16;
    for (int32_t m0 = 0; m0 < batch; m0 += SLAB) {
        int32_t m1 = m0 + SLAB < batch ? m0 + SLAB : batch;
        for (int32_t blk = blk0; blk < blk1; blk += 4) {
            int32_t nr = blk1 - blk < 4 ? blk1 - blk : 4;
            int32_t tile = 0;
            for (int32_t b = m0; b < m1; b += 6, tile++) {
                int32_t mr = m1 - b < 6 ? m1 - b : 6;
                /* While the first tile streams this panel in, later tiles find it in cache: each tile also
                 * prefetches one block of the next panel into L2 (+5 % with 36 weight matrices cycling). */
                int32_t next = blk + 4 + (tile & 3);
                const int8_t *pf = packed + (size_t) (next < blocks ? next : blk) * k4s * 64;
                MICROS[mr - 1][nr - 1](ux, b, stride, packed, k4s, blk, sums128, out, acc, xs, ws, bias, y, pf);
            }
        }
    }
}

/* Signed codes [rows, cols] to the kernel's activation layout: x + 128 as bytes, rows padded to a multiple of 4 with 128. */
JQ_API void jq_to_unsigned(const int8_t *q, int32_t rows, int32_t cols, uint8_t *ux) {
    const int32_t stride = (cols + 3) / 4 * 4;
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t i = 0; i < stride; i++) {
            ux[(size_t) r * stride + i] = (uint8_t) ((i < cols ? q[(size_t) r * cols + i] : 0) ^ 0x80);
        }
    }
}

/*
 * Dynamic symmetric int8 quantization of rows x rows of cols floats, the rule of Java's
 * SymmetricInt8.quantizeRow: scale = amax / 127 (float), q = clamp(rint(x / scale), -127, 127),
 * rounding half to even (roundscale with the default nearest-even mode), an all-zero row gets scale 0
 * and codes 0. With for_kernel 0 the codes are written as signed bytes, cols per row; with for_kernel 1
 * in jq_w8a8's activation layout (q + 128, rows padded to a multiple of 4 with 128), so the product
 * reads them without a conversion pass. Returns 0, or -1 at the first non-finite value (the Java
 * caller then names it).
 */
JQ_API int32_t jq_quantize_rows(const float *x, int32_t rows, int32_t cols, int8_t *q, float *scales,
                                int32_t for_kernel) {
    const __m512 finite_max = _mm512_set1_ps(3.40282347e38f);
    const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
    const __m512i shift = _mm512_set1_epi32(for_kernel ? 128 : 0);
    const int32_t stride = for_kernel ? (cols + 3) / 4 * 4 : cols;
    const int8_t zero = (int8_t) (for_kernel ? 0x80 : 0);
    for (int32_t r = 0; r < rows; r++) {
        const float *row = x + (size_t) r * cols;
        int8_t *out = q + (size_t) r * stride;
        __m512 amax = _mm512_setzero_ps();
        for (int32_t i = 0; i < cols; i += 16) {
            __mmask16 m = cols - i >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (cols - i)) - 1);
            __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(m, row + i));
            if (_mm512_mask_cmp_ps_mask(m, a, finite_max, _CMP_LE_OQ) != m) return -1; /* NaN or Inf */
            amax = _mm512_max_ps(amax, a);
        }
        float scale = _mm512_reduce_max_ps(amax) / 127.0f;
        scales[r] = scale;
        for (int32_t i = cols; i < stride; i++) out[i] = zero;
        if (scale == 0.0f) {
            for (int32_t i = 0; i < cols; i++) out[i] = zero;
            continue;
        }
        const __m512 sv = _mm512_set1_ps(scale);
        for (int32_t i = 0; i < cols; i += 16) {
            __mmask16 m = cols - i >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (cols - i)) - 1);
            __m512 v = _mm512_div_ps(_mm512_maskz_loadu_ps(m, row + i), sv);
            v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            /* The low byte of q + 128 (1 .. 255) is the unsigned code; of q alone, the signed one. */
            _mm512_mask_cvtepi32_storeu_epi8(out + i, m, _mm512_add_epi32(_mm512_cvtps_epi32(v), shift));
        }
    }
    return 0;
}

package dev.joule.autograd;

import dev.joule.kernel.Parallel;

/**
 * The first-order linear recurrence over the time axis of row-major {@code [B, T, D]} arrays,
 * forward ({@code h_t = a_t·h_{t−1} + b_t}) and reverse ({@code δ_t = g_t + a_{t+1}·δ_{t+1}}, the adjoint).
 *
 * <pre>
 *   element (b, t, d) at  (b·T + t)·D + d          the inner loop runs over d: contiguous, vectorisable
 * </pre>
 *
 * Two schedules, equal up to rounding:
 * <ul>
 *   <li><b>rows</b>: each batch row scanned sequentially in time, rows in parallel. O(T·D) work per row;
 *       the right choice whenever there are at least as many rows as threads (training batches).</li>
 *   <li><b>chunked</b>: time cut into chunks of {@link #CHUNK} steps. Pass 1, parallel over (row, chunk):
 *       scan each chunk from a zero state and keep the running product of its coefficients. Pass 2,
 *       sequential over chunks, parallel over rows: {@code h_t += P_t·carry}, where carry is the final
 *       value of the previous chunk. About twice the work, but time-parallel: used when rows are fewer
 *       than threads (one long sequence). Nothing is ever divided by a running product, so underflow of
 *       {@code P_t} is harmless: the true contribution of the carry has underflowed too.</li>
 * </ul>
 */
final class ScanKernel {
    private ScanKernel() {}

    static final int CHUNK = 64;

    /**
     * Forward ({@code reverse = false}): {@code out_t = a_t·out_{t−1} + b_t}, {@code out_{−1} = h0} (null: 0).
     * Reverse: {@code out_t = b_t + a_{t+1}·out_{t+1}}, {@code out_T = 0}; h0 must be null.
     * All arrays are dense at offset 0 except {@code h0 [B, D]}.
     */
    static void scan(float[] a, float[] b, float[] h0, float[] out, int batch, int time, int width, boolean reverse) {
        if (batch >= Parallel.threads() || time <= CHUNK) {
            scanRows(a, b, h0, out, batch, time, width, reverse);
        } else {
            scanChunked(a, b, h0, out, batch, time, width, reverse);
        }
    }

    static void scanRows(float[] a, float[] b, float[] h0, float[] out, int batch, int time, int width,
            boolean reverse) {
        Parallel.parallelFor(batch, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                scanSpan(a, b, h0, out, r, time, width, reverse, 0, time, null);
            }
        });
    }

    static void scanChunked(float[] a, float[] b, float[] h0, float[] out, int batch, int time, int width,
            boolean reverse) {
        int chunks = (time + CHUNK - 1) / CHUNK;
        float[] prod = new float[out.length];
        Parallel.parallelFor(batch * chunks, 1, (from, to) -> {
            for (int job = from; job < to; job++) {
                int r = job / chunks;
                int p0 = (job % chunks) * CHUNK;
                int p1 = Math.min(time, p0 + CHUNK);
                scanSpan(a, b, p0 == 0 ? h0 : null, out, r, time, width, reverse, p0, p1, prod);
            }
        });
        Parallel.parallelFor(batch, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int c = 1; c < chunks; c++) {
                    int p0 = c * CHUNK;
                    int p1 = Math.min(time, p0 + CHUNK);
                    int carry = index(r, timeAt(p0 - 1, time, reverse), time, width);
                    for (int p = p0; p < p1; p++) {
                        int o = index(r, timeAt(p, time, reverse), time, width);
                        for (int d = 0; d < width; d++) {
                            out[o + d] += prod[o + d] * out[carry + d];
                        }
                    }
                }
            }
        });
    }

    /**
     * Scans processing steps {@code [p0, p1)} of row {@code r} from {@code start} (h0 or zero). Step p is time
     * {@code p} forward and {@code T−1−p} in reverse. When {@code prod} is given it receives the running
     * product of the coefficients since p0.
     */
    private static void scanSpan(float[] a, float[] b, float[] h0, float[] out, int r, int time, int width,
            boolean reverse, int p0, int p1, float[] prod) {
        for (int p = p0; p < p1; p++) {
            int t = timeAt(p, time, reverse);
            int o = index(r, t, time, width);
            int ca = coefficientIndex(r, t, time, width, reverse);
            if (p == p0) {
                for (int d = 0; d < width; d++) {
                    float coef = ca < 0 ? 0f : a[ca + d];
                    float start = h0 == null ? 0f : h0[r * width + d];
                    out[o + d] = coef * start + b[o + d];
                    if (prod != null) {
                        prod[o + d] = coef;
                    }
                }
                continue;
            }
            int prev = index(r, timeAt(p - 1, time, reverse), time, width);
            for (int d = 0; d < width; d++) {
                float coef = a[ca + d];
                out[o + d] = coef * out[prev + d] + b[o + d];
                if (prod != null) {
                    prod[o + d] = coef * prod[prev + d];
                }
            }
        }
    }

    private static int timeAt(int step, int time, boolean reverse) {
        return reverse ? time - 1 - step : step;
    }

    private static int index(int r, int t, int time, int width) {
        return (r * time + t) * width;
    }

    /** Where the coefficient multiplying the previous state of time t lives; −1 when there is none (0). */
    private static int coefficientIndex(int r, int t, int time, int width, boolean reverse) {
        if (!reverse) {
            return index(r, t, time, width);
        }
        return t + 1 < time ? index(r, t + 1, time, width) : -1;
    }
}

package dev.joule.onnx.ops;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.Value;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Recycled output arrays for one executor on one thread. An operator asks {@link #floats} for the
 * array it will fill; during a run, that comes from the arrays of values already dead. Without it,
 * a MiniLM sentence allocated some 3 MB of fresh, zeroed, cache-cold arrays per call; with it, the
 * six layers reuse the first layer's arrays while they are still in cache (ADR 0013).
 *
 * <p>Safety rests on three rules:
 * <ul>
 *   <li>{@link #floats} returns an array with arbitrary contents: only an operator that writes every
 *       element of its output may use it;</li>
 *   <li>an array goes back to the pool only when every live value on it is dead (views such as
 *       Reshape share their input's array, so arrays are counted, not values);</li>
 *   <li>an array that leaves the run (a graph output, a captured value, a cached shape value) is
 *       {@link #escape escaped} and never handed out again.</li>
 * </ul>
 * Outside a run ({@link #open} not in effect on this thread) {@link #floats} is plain {@code new float[n]}.
 */
public final class Buffers {
    private static final ThreadLocal<Buffers> CURRENT = new ThreadLocal<>();
    /** Free arrays kept between runs, at most (sentences of many lengths would otherwise pile up sizes). */
    private static final long MAX_POOLED_BYTES = 64L << 20;

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays handed out during the current run and how many live values sit on each. */
    private final IdentityHashMap<float[], int[]> live = new IdentityHashMap<>();
    private long pooledBytes;

    /**
     * An array of {@code n} floats with arbitrary contents, recycled when this thread is inside a
     * run; the caller must overwrite every element.
     */
    public static float[] floats(int n) {
        Buffers b = CURRENT.get();
        return b == null ? new float[n] : b.take(n);
    }

    /** Makes this pool the one {@link #floats} uses on this thread until the scope closes. */
    public Scope open() {
        Buffers previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            CURRENT.set(previous);
            live.clear(); // arrays still counted belong to values that outlive the run: never recycled
        };
    }

    /** Restores the previous pool; ends the run. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) {
            a = new float[n];
        } else {
            pooledBytes -= 4L * n;
        }
        live.put(a, new int[1]);
        return a;
    }

    /** A value has just been produced: counts it on its array when the array came from this pool. */
    public void retain(Value v) {
        int[] count = countOf(v);
        if (count != null) {
            count[0]++;
        }
    }

    /** A value is dead: when it was the last live value on its array, the array is free for reuse. */
    public void release(Value v) {
        int[] count = countOf(v);
        if (count == null || --count[0] > 0) {
            return;
        }
        float[] a = ((FloatValue) v).tensor().data();
        live.remove(a);
        if (pooledBytes + 4L * a.length > MAX_POOLED_BYTES) {
            free.clear();
            pooledBytes = 0;
        }
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        pooledBytes += 4L * a.length;
    }

    /** The value leaves the run (output, capture, cache): its array is never recycled. */
    public void escape(Value v) {
        if (v instanceof FloatValue f) {
            live.remove(f.tensor().data());
        }
    }

    private int[] countOf(Value v) {
        return v instanceof FloatValue f ? live.get(f.tensor().data()) : null;
    }
}

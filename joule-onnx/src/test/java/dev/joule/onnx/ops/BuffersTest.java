package dev.joule.onnx.ops;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.joule.onnx.FloatValue;
import org.junit.jupiter.api.Test;

/** When an array goes back to the pool, and when it must not. */
class BuffersTest {
    private static FloatValue on(float[] a, int... shape) {
        return FloatValue.of(a, shape);
    }

    @Test
    void outsideARunEveryArrayIsNew() {
        float[] a = Buffers.floats(8);
        float[] b = Buffers.floats(8);
        assertNotSame(a, b);
    }

    @Test
    void aDeadValuesArrayIsHandedOutAgainForTheSameSizeOnly() {
        Buffers pool = new Buffers();
        try (Buffers.Scope ignored = pool.open()) {
            float[] a = Buffers.floats(6);
            FloatValue v = on(a, 2, 3);
            pool.retain(v);
            pool.release(v);
            assertNotSame(a, Buffers.floats(5), "another size gets another array");
            assertSame(a, Buffers.floats(6));
            assertNotSame(a, Buffers.floats(6), "an array is handed out once");
        }
    }

    @Test
    void anArrayUnderALiveViewStaysTaken() {
        Buffers pool = new Buffers();
        try (Buffers.Scope ignored = pool.open()) {
            float[] a = Buffers.floats(6);
            FloatValue x = on(a, 2, 3);
            FloatValue reshaped = on(a, 6); // a view on the same array, as Reshape makes
            pool.retain(x);
            pool.retain(reshaped);
            pool.release(x);
            assertNotSame(a, Buffers.floats(6), "the view still reads it");
            pool.release(reshaped);
            assertSame(a, Buffers.floats(6));
        }
    }

    @Test
    void anEscapedArrayIsNeverRecycledNorOneFromAnEarlierRun() {
        Buffers pool = new Buffers();
        float[] kept;
        try (Buffers.Scope ignored = pool.open()) {
            kept = Buffers.floats(4);
            FloatValue out = on(kept, 4);
            pool.retain(out);
            pool.escape(out); // a captured or cached value
            pool.release(out);
            assertNotSame(kept, Buffers.floats(4));
        }
        float[] output;
        try (Buffers.Scope ignored = pool.open()) {
            output = Buffers.floats(3);
            pool.retain(on(output, 3)); // a graph output: never released, the run ends
        }
        try (Buffers.Scope ignored = pool.open()) {
            FloatValue late = on(output, 3);
            pool.release(late); // not counted in this run: ignored
            assertNotSame(output, Buffers.floats(3));
            assertNotSame(kept, Buffers.floats(4));
        }
    }

    @Test
    void closingTheScopeRestoresPlainAllocation() {
        Buffers pool = new Buffers();
        float[] a;
        try (Buffers.Scope ignored = pool.open()) {
            a = Buffers.floats(2);
            FloatValue v = on(a, 2);
            pool.retain(v);
            pool.release(v);
        }
        assertNotSame(a, Buffers.floats(2));
    }
}

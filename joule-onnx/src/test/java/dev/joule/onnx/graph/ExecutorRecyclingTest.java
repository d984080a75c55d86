package dev.joule.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Recycled output arrays ({@link dev.joule.onnx.ops.Buffers}) change no result: a chain of
 * elementwise ops, a reshape view and a transpose, run again and again with other inputs and other
 * lengths, gives what fresh arrays give, and the arrays handed to a caller are never written again.
 */
class ExecutorRecyclingTest {
    private static Node node(String op, List<String> in, String out) {
        return new Node(out + "_node", op, in, List.of(out), Map.of(), 17);
    }

    private static Graph graph() {
        Map<String, Value> constants = Map.of(
                "two", FloatValue.of(new float[] {2f}, 1),
                "flat", IntValue.int64(new long[] {-1}, 1));
        List<Node> nodes = List.of(
                node("Mul", List.of("x", "two"), "a"),
                node("Add", List.of("a", "x"), "b"),          // a dies here
                node("Transpose", List.of("b"), "t"),          // b dies here
                node("Sub", List.of("t", "t"), "zero"),
                node("Add", List.of("t", "zero"), "u"),        // t, zero die
                node("Reshape", List.of("u", "flat"), "view"), // a view on u's array
                node("Mul", List.of("view", "two"), "y"),
                node("Add", List.of("view", "view"), "z"));    // u and view die; y, z are outputs
        List<GraphInput> inputs = List.of(new GraphInput("x", ElementType.FLOAT, new int[] {-1, 3}, new String[] {"n", ""}));
        List<GraphInput> outputs = List.of(
                new GraphInput("y", ElementType.FLOAT, new int[] {-1}, new String[] {"m"}),
                new GraphInput("z", ElementType.FLOAT, new int[] {-1}, new String[] {"m"}));
        return new Graph(nodes, constants, inputs, outputs, 17);
    }

    private static Map<String, Value> input(int rows, float seed) {
        float[] x = new float[rows * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = seed + i * 0.25f;
        }
        return Map.of("x", FloatValue.of(x, rows, 3));
    }

    private static float[] data(Map<String, Value> out, String name) {
        return ((FloatValue) out.get(name)).toArray();
    }

    @Test
    void recycledRunsEqualFreshOnesAndNeverTouchReturnedArrays() {
        Executor recycled = new Executor(graph());
        String before = System.getProperty("joule.onnx.recycle");
        System.setProperty("joule.onnx.recycle", "false");
        Executor fresh;
        try {
            fresh = new Executor(graph());
        } finally {
            if (before == null) {
                System.clearProperty("joule.onnx.recycle");
            } else {
                System.setProperty("joule.onnx.recycle", before);
            }
        }
        Map<String, Value> first = recycled.run(input(2, 1f));
        float[] firstY = data(first, "y");
        int[] rows = {2, 3, 2, 5, 2, 2};
        for (int r = 0; r < rows.length; r++) {
            Map<String, Value> in = input(rows[r], r - 2.5f);
            Map<String, Value> got = recycled.run(in, Set.of("b"));
            Map<String, Value> want = fresh.run(in, Set.of("b"));
            assertArrayEquals(data(want, "y"), data(got, "y"), "run " + r);
            assertArrayEquals(data(want, "z"), data(got, "z"), "run " + r);
            assertArrayEquals(data(want, "b"), data(got, "b"), "captured b, run " + r);
        }
        assertArrayEquals(firstY, data(first, "y"), "the first call's output was written by a later call");
    }
}

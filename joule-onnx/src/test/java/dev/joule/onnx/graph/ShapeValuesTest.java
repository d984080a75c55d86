package dev.joule.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which steps depend on the input shapes alone, and what is kept per shape signature. */
class ShapeValuesTest {
    private static Node node(String op, List<String> in, String out) {
        return new Node(out + "_node", op, in, List.of(out), Map.of(), 17);
    }

    @Test
    void shapeChainsAreShapeOnlyAndAnythingReadingDataIsNot() {
        Map<String, Value> constants = Map.of("idx", IntValue.scalar(1), "heads", IntValue.int64(new long[] {12}, 1),
                "w", FloatValue.of(new float[4], 2, 2));
        List<Node> steps = List.of(
                node("Shape", List.of("x"), "s"),                    // shape of a runtime value
                node("Gather", List.of("s", "idx"), "len"),          // its second dim
                node("Unsqueeze", List.of("len"), "len1"),
                node("Concat", List.of("len1", "heads"), "target"),  // a reshape target
                node("Reshape", List.of("x", "target"), "y"),         // reads x's data: not shape-only
                node("Add", List.of("x", "w"), "z"),                 // data and a constant only: not shape-only
                node("Gather", List.of("w", "idx"), "row"),          // constants only (folding's job): not shape-only
                node("MatMul", List.of("len1", "len1"), "m"));       // derived inputs, but not a listed op
        boolean[] got = ShapeValues.shapeOnlySteps(steps, constants);
        assertArrayEquals(new boolean[] {true, true, true, true, false, false, false, false}, got);
    }

    @Test
    void signaturesTellShapesApartAndLargeValuesAreLeftOut() {
        Value a = IntValue.int64(new long[24], 1, 24);
        Value b = IntValue.int64(new long[25], 1, 25);
        String sa = ShapeValues.signature(Map.of("input_ids", a, "attention_mask", a));
        String sb = ShapeValues.signature(Map.of("input_ids", b, "attention_mask", b));
        assertNotEquals(sa, sb);
        ShapeValues cache = new ShapeValues();
        Value small = IntValue.int64(new long[] {1, 24, 12, 32}, 4);
        cache.put(sa, Map.of("target", small));
        assertSame(small, cache.get(sa).get("target"));
        cache.put(sb, Map.of("target", small, "big", IntValue.int64(new long[ShapeValues.MAX_ELEMENTS + 1], ShapeValues.MAX_ELEMENTS + 1)));
        assertSame(small, cache.get(sb).get("target"), "the small values of a signature are kept");
        assertNull(cache.get(sb).get("big"), "a value above " + ShapeValues.MAX_ELEMENTS + " elements is not");
        assertTrue(ShapeValues.covers(cache.get(sb), node("Concat", List.of("s"), "target")));
        assertFalse(ShapeValues.covers(cache.get(sb), node("Gather", List.of("table", "s"), "big")), "its step runs again");
    }

    private static Node concat(List<String> in, String out) {
        AttributeProto axis = AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0).build();
        return new Node(out + "_node", "Concat", in, List.of(out), Map.of("axis", axis), 17);
    }

    /**
     * A position-embedding lookup as MiniLM's exporter writes it: a Gather from a constant table at
     * positions sliced by the input's length. Its output is shape-only but too large to keep; the small
     * reshape target beside it is kept, and the results equal those of an executor without the cache.
     */
    @Test
    void aLargeShapeOnlyValueRunsEveryCallWhileTheSmallOnesAreReused() {
        int width = 200; // 6 positions × 200 > MAX_ELEMENTS
        float[] table = new float[8 * width];
        for (int i = 0; i < table.length; i++) {
            table[i] = i * 0.5f;
        }
        Map<String, Value> constants = Map.of("one", IntValue.int64(new long[] {1}, 1), "zero1", IntValue.int64(new long[] {0}, 1),
                "axis1", IntValue.int64(new long[] {1}, 1), "width", IntValue.int64(new long[] {width}, 1),
                "pos", IntValue.int64(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 8), "table", FloatValue.of(table, 8, width),
                "idx1", IntValue.scalar(1));
        List<Node> nodes = List.of(
                node("Shape", List.of("x"), "s"),
                node("Gather", List.of("s", "idx1"), "n"),
                node("Unsqueeze", List.of("n", "zero1"), "n1"),
                node("Slice", List.of("pos", "zero1", "n1", "axis1"), "p"),
                node("Gather", List.of("table", "p"), "emb"),              // [1, n, width]: shape-only, large
                node("Add", List.of("x", "emb"), "sum"),
                concat(List.of("n1", "width"), "target"),                  // [n, width]: shape-only, small
                node("Reshape", List.of("sum", "target"), "y"));
        Graph g = new Graph(nodes, constants,
                List.of(new GraphInput("x", dev.joule.onnx.ElementType.FLOAT, new int[] {1, -1, width}, new String[] {"", "n", ""})),
                List.of(new GraphInput("y", dev.joule.onnx.ElementType.FLOAT, new int[] {-1, width}, new String[] {"n", ""})), 17);
        Executor cached = new Executor(g);
        String before = System.getProperty("joule.onnx.shapeCache");
        System.setProperty("joule.onnx.shapeCache", "false");
        Executor plain;
        try {
            plain = new Executor(g);
        } finally {
            if (before == null) {
                System.clearProperty("joule.onnx.shapeCache");
            } else {
                System.setProperty("joule.onnx.shapeCache", before);
            }
        }
        for (int[] call : new int[][] {{6, 1}, {6, 2}, {7, 3}, {6, 4}, {7, 5}}) {
            float[] x = new float[call[0] * width];
            for (int i = 0; i < x.length; i++) {
                x[i] = call[1] + i * 0.25f;
            }
            Map<String, Value> in = Map.of("x", FloatValue.of(x, 1, call[0], width));
            float[] want = ((FloatValue) plain.run(in).get("y")).toArray();
            assertArrayEquals(want, ((FloatValue) cached.run(in).get("y")).toArray(), "length " + call[0] + ", call " + call[1]);
        }
        assertEquals(2, cached.keptShapeSignatures(), "one signature per length, kept despite the large value");
        assertEquals(0, plain.keptShapeSignatures());
    }
}

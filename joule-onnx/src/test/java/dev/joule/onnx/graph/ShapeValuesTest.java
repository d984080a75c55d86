package dev.joule.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
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
    void signaturesTellShapesApartAndLargeValuesAreNotKept() {
        Value a = IntValue.int64(new long[24], 1, 24);
        Value b = IntValue.int64(new long[25], 1, 25);
        String sa = ShapeValues.signature(Map.of("input_ids", a, "attention_mask", a));
        String sb = ShapeValues.signature(Map.of("input_ids", b, "attention_mask", b));
        assertNotEquals(sa, sb);
        ShapeValues cache = new ShapeValues();
        Value small = IntValue.int64(new long[] {1, 24, 12, 32}, 4);
        cache.put(sa, Map.of("target", small));
        assertSame(small, cache.get(sa).get("target"));
        cache.put(sb, Map.of("big", IntValue.int64(new long[ShapeValues.MAX_ELEMENTS + 1], ShapeValues.MAX_ELEMENTS + 1)));
        assertNull(cache.get(sb), "a signature with a value above " + ShapeValues.MAX_ELEMENTS + " elements is not kept");
    }
}

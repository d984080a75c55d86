package dev.joule.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single-node graphs checked against values worked out by hand (NumPy semantics, as ONNX defines them). */
class OperatorsTest {

    private static Value run(int opset, String op, List<AttributeProto> attrs, Value... inputs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(op);
        List<String> names = new ArrayList<>();
        Map<String, Value> feed = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            String name = "in" + i;
            names.add(name);
            g.addInput(TestModels.info(name, inputs[i].type(), inputs[i].shape()));
            feed.put(name, inputs[i]);
        }
        g.addOutput(TestModels.info("out", ElementType.FLOAT)); // rank is not checked on outputs
        g.addNode(TestModels.node("n", op, names, List.of("out"), attrs.toArray(AttributeProto[]::new)));
        return OnnxModel.load(TestModels.model(opset, g.build()).toByteArray(), op).run(feed).get("out");
    }

    private static float[] f(Value v) {
        return ((FloatValue) v).toArray();
    }

    private static long[] l(Value v) {
        return ((IntValue) v).data();
    }

    private static FloatValue seq(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return FloatValue.of(x, shape);
    }

    @Test
    void dequantizeLinearPerTensorAndPerAxis() {
        IntValue u8 = new IntValue(new long[] {0, 128, 255, 130}, new int[] {2, 2}, ElementType.UINT8);
        Value r = run(13, "DequantizeLinear", List.of(), u8, FloatValue.of(new float[] {0.5f}),
                new IntValue(new long[] {128}, new int[0], ElementType.UINT8));
        assertArrayEquals(new float[] {-64, 0, 63.5f, 1}, f(r));
        IntValue i8 = new IntValue(new long[] {-127, 1, 2, 127}, new int[] {2, 2}, ElementType.INT8);
        Value axis0 = run(13, "DequantizeLinear", List.of(TestModels.intAttr("axis", 0)), i8, FloatValue.of(new float[] {1, 10}, 2));
        assertArrayEquals(new float[] {-127, 1, 20, 1270}, f(axis0));
        Value axis1 = run(13, "DequantizeLinear", List.of(), i8, FloatValue.of(new float[] {1, 10}, 2));
        assertArrayEquals(new float[] {-127, 10, 2, 1270}, f(axis1));
        assertThrows(OnnxException.class, () -> run(13, "DequantizeLinear", List.of(), i8, FloatValue.of(new float[] {1, 2, 3}, 3)));
    }

    @Test
    void broadcastingArithmetic() {
        Value r = run(13, "Sub", List.of(), seq(2, 1, 3), FloatValue.of(new float[] {10, 20}, 2, 1));
        assertArrayEquals(new int[] {2, 2, 3}, r.shape());
        assertArrayEquals(new float[] {-10, -9, -8, -20, -19, -18, -7, -6, -5, -17, -16, -15}, f(r));
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f}, f(run(13, "Div", List.of(), seq(4), FloatValue.of(new float[] {2}))));
        assertArrayEquals(new float[] {0, 1, 4, 9}, f(run(13, "Pow", List.of(), seq(4), FloatValue.of(new float[] {2}))));
        assertArrayEquals(new long[] {3, 5}, l(run(13, "Add", List.of(), IntValue.int64(new long[] {1, 2}, 2), IntValue.int64(new long[] {2, 3}, 2))));
    }

    @Test
    void erfMatchesKnownValues() {
        float[] y = f(run(13, "Erf", List.of(), FloatValue.of(new float[] {0f, 0.3f, 1f, -2f, 4f}, 5)));
        assertEquals(0.0, y[0], 1e-7);
        assertEquals(0.32862675945912745, y[1], 1e-7);
        assertEquals(0.8427007929497149, y[2], 1e-7);
        assertEquals(-0.9953222650189527, y[3], 1e-7);
        assertEquals(0.9999999845827421, y[4], 1e-7);
    }

    @Test
    void transposeSwapsMiddleAxes() {
        Value r = run(13, "Transpose", List.of(TestModels.ints("perm", 0, 2, 1, 3)), seq(1, 2, 3, 2));
        assertArrayEquals(new int[] {1, 3, 2, 2}, r.shape());
        assertArrayEquals(new float[] {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11}, f(r));
        Value t = run(13, "Transpose", List.of(), seq(2, 3));
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, f(t));
    }

    @Test
    void sliceWithNegativeStepAndAxes() {
        Value r = run(13, "Slice", List.of(), seq(2, 5), IntValue.int64(new long[] {-1}, 1),
                IntValue.int64(new long[] {Long.MIN_VALUE}, 1), IntValue.int64(new long[] {1}, 1), IntValue.int64(new long[] {-2}, 1));
        assertArrayEquals(new int[] {2, 3}, r.shape());
        assertArrayEquals(new float[] {4, 2, 0, 9, 7, 5}, f(r));
    }

    @Test
    void gatherRowsAndNegativeIndex() {
        Value r = run(13, "Gather", List.of(), seq(3, 2), IntValue.int64(new long[] {2, -3, 1, 1}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 2}, r.shape());
        assertArrayEquals(new float[] {4, 5, 0, 1, 2, 3, 2, 3}, f(r));
        assertThrows(OnnxException.class, () -> run(13, "Gather", List.of(), seq(3, 2), IntValue.int64(new long[] {3}, 1)));
    }

    @Test
    void softmaxAxisMeansDifferentThingsBeforeAndAfterOpset13() {
        FloatValue x = seq(2, 2);
        float[] legacy = f(run(11, "Softmax", List.of(TestModels.intAttr("axis", 0)), x));
        float sum = 0;
        for (float v : legacy) {
            sum += v;
        }
        assertEquals(1f, sum, 1e-6); // opset 11: axis 0 flattens everything into one row
        float[] modern = f(run(13, "Softmax", List.of(TestModels.intAttr("axis", 0)), x));
        assertEquals(1f, modern[0] + modern[2], 1e-6); // opset 13: columns sum to one
        assertEquals(1f, modern[1] + modern[3], 1e-6);
    }

    @Test
    void reduceMeanOverSeveralAxes() {
        Value r = run(13, "ReduceMean", List.of(TestModels.ints("axes", 0, 2)), seq(2, 2, 2));
        assertArrayEquals(new int[] {1, 2, 1}, r.shape());
        assertArrayEquals(new float[] {2.5f, 4.5f}, f(r));
        Value last = run(13, "ReduceMean", List.of(TestModels.ints("axes", -1), TestModels.intAttr("keepdims", 0)), seq(2, 3));
        assertArrayEquals(new float[] {1, 4}, f(last));
        assertArrayEquals(new int[] {2}, last.shape());
    }

    @Test
    void reshapeCopiesZeroAndInfersMinusOne() {
        Value r = run(13, "Reshape", List.of(), seq(2, 3, 4), IntValue.int64(new long[] {0, -1}, 2));
        assertArrayEquals(new int[] {2, 12}, r.shape());
        assertThrows(OnnxException.class, () -> run(13, "Reshape", List.of(), seq(2, 3), IntValue.int64(new long[] {4, -1}, 2)));
    }

    @Test
    void matmulBroadcastsBatchDimensions() {
        Value r = run(13, "MatMul", List.of(), seq(2, 1, 2, 3), seq(3, 3, 1));
        assertArrayEquals(new int[] {2, 3, 2, 1}, r.shape());
        // batch (0, 0): [[0,1,2],[3,4,5]] · [0,1,2]ᵀ = [5, 14]
        assertEquals(5f, f(r)[0]);
        assertEquals(14f, f(r)[1]);
        // batch (1, 2): [[6,7,8],[9,10,11]] · [6,7,8]ᵀ = [149, 212]
        assertEquals(149f, f(r)[10]);
        assertEquals(212f, f(r)[11]);
    }

    @Test
    void gemmWithTransposeAlphaBetaAndBias() {
        Value r = run(13, "Gemm", List.of(TestModels.intAttr("transB", 1),
                        AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(2f).build()),
                seq(1, 2), seq(3, 2), FloatValue.of(new float[] {1, 1, 1}, 3));
        assertArrayEquals(new float[] {3, 7, 11}, f(r));
    }

    @Test
    void expandWhereEqualConcatCastAndConstantOfShape() {
        Value e = run(13, "Expand", List.of(), seq(3, 1), IntValue.int64(new long[] {2, 1, 2}, 3));
        assertArrayEquals(new int[] {2, 3, 2}, e.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2}, f(e));
        Value eq = run(13, "Equal", List.of(), IntValue.int64(new long[] {1, 2, 3}, 3), IntValue.scalar(2));
        assertEquals(ElementType.BOOL, eq.type());
        assertArrayEquals(new long[] {0, 1, 0}, l(eq));
        Value w = run(13, "Where", List.of(), new IntValue(new long[] {1, 0}, new int[] {2}, ElementType.BOOL),
                seq(2), FloatValue.of(new float[] {-1}, 1));
        assertArrayEquals(new float[] {0, -1}, f(w));
        Value c = run(13, "Concat", List.of(TestModels.intAttr("axis", 1)), seq(2, 1), seq(2, 2));
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 3}, f(c));
        Value cast = run(13, "Cast", List.of(TestModels.intAttr("to", 7)), FloatValue.of(new float[] {1.9f, -1.9f}, 2));
        assertArrayEquals(new long[] {1, -1}, l(cast));
        Value zeros = run(13, "ConstantOfShape", List.of(), IntValue.int64(new long[] {2, 3}, 2));
        assertArrayEquals(new float[6], f(zeros));
    }

    @Test
    void unsqueezeAndSqueezeTakeAxesFromAttributeOrInput() {
        Value a = run(11, "Unsqueeze", List.of(TestModels.ints("axes", 0, 3)), seq(2, 3));
        assertArrayEquals(new int[] {1, 2, 3, 1}, a.shape());
        Value b = run(13, "Unsqueeze", List.of(), seq(2, 3), IntValue.int64(new long[] {-1}, 1));
        assertArrayEquals(new int[] {2, 3, 1}, b.shape());
        Value c = run(13, "Squeeze", List.of(), seq(1, 2, 1));
        assertArrayEquals(new int[] {2}, c.shape());
        OnnxException e = assertThrows(OnnxException.class,
                () -> run(13, "Squeeze", List.of(), seq(2, 3), IntValue.int64(new long[] {0}, 1)));
        assertTrue(e.getMessage().contains("node 'n' (Squeeze)"), e.getMessage());
    }
}

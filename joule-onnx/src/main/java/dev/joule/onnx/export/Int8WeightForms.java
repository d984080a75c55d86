package dev.joule.onnx.export;

import dev.joule.autograd.Var;
import dev.joule.nn.Model;
import dev.joule.onnx.compress.QuantizedLinear;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Joule side of an int8 QDQ export: attaches Joule's int8 weight-only form (the same per-channel
 * codes and scales the file holds) to every weight the file stores as int8, so the model's inference
 * (under NoGrad) runs what ONNX Runtime runs on the file: dequantized weights, f32 activations.
 */
public final class Int8WeightForms {
    private Int8WeightForms() {}

    /** Attaches the forms to {@code model}'s weights named by {@code exported}'s int8 initializers; returns the names. */
    public static List<String> attachWeightOnly(Model model, ModelProto exported) {
        Map<String, Var> params = model.namedParameters();
        List<String> names = new ArrayList<>();
        for (TensorProto t : exported.getGraph().getInitializerList()) {
            String n = t.getName();
            if (t.getDataType() == TensorProto.DataType.INT8_VALUE && n.endsWith(GraphBuilder.QUANTIZED)) {
                String param = n.substring(0, n.length() - GraphBuilder.QUANTIZED.length());
                Var w = params.get(param);
                int out = w.value().dim(0);
                int in = w.value().dim(1);
                w.setInferenceWeights(QuantizedLinear.quantize(QuantizedLinear.Scheme.INT8_WEIGHT, w.value().toArray(), out, in));
                names.add(param);
            }
        }
        return names;
    }

    /** Removes the forms {@link #attachWeightOnly} attached. */
    public static void detach(Model model, List<String> names) {
        Map<String, Var> params = model.namedParameters();
        for (String n : names) {
            params.get(n).setInferenceWeights(null);
        }
    }
}

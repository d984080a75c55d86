package dev.joule.optim;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named parameters plus per-parameter buffers; shared bookkeeping of the optimizers (state naming, zeroGrad, load checks). */
final class ParamSlots {
    final String[] names;
    final Var[] params;

    ParamSlots(Map<String, Var> namedParameters) {
        names = namedParameters.keySet().toArray(new String[0]);
        params = namedParameters.values().toArray(new Var[0]);
    }

    int size() {
        return params.length;
    }

    /** Zero-fills existing gradients instead of dropping them, so backward reuses the buffers each step. */
    void zeroGrad() {
        for (Var p : params) {
            Tensor g = p.grad();
            if (g != null) {
                g.fill(0f);
            }
        }
    }

    /** One zero buffer per parameter, shaped like it. */
    float[][] newBuffers() {
        float[][] b = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            b[i] = new float[params[i].value().size()];
        }
        return b;
    }

    void putBuffers(Map<String, Tensor> out, String suffix, float[][] buffers) {
        for (int i = 0; i < params.length; i++) {
            out.put(names[i] + "." + suffix, Tensor.of(buffers[i].clone(), params[i].shape()));
        }
    }

    void loadBuffers(Map<String, Tensor> state, String suffix, float[][] buffers) {
        for (int i = 0; i < params.length; i++) {
            String key = names[i] + "." + suffix;
            Tensor t = state.get(key);
            if (t == null) {
                throw new OptimizerStateException("optimizer state lacks '" + key
                        + "'; was it saved by another optimizer or model?");
            }
            if (t.size() != buffers[i].length) {
                throw new OptimizerStateException("optimizer state '" + key + "' has shape "
                        + Arrays.toString(t.shape()) + ", the parameter has shape "
                        + Arrays.toString(params[i].shape()));
            }
            System.arraycopy(t.data(), t.offset(), buffers[i], 0, buffers[i].length);
        }
    }

    static float scalar(Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null || t.size() != 1) {
            throw new OptimizerStateException("optimizer state lacks the scalar '" + key + "'; known keys: "
                    + List.copyOf(state.keySet()).subList(0, Math.min(5, state.size())) + "...");
        }
        return t.item();
    }

    static Map<String, Tensor> newState() {
        return new LinkedHashMap<>();
    }
}

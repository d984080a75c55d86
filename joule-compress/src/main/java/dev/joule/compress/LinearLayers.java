package dev.joule.compress;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the weight matrices a model multiplies through {@code Ops.linear}, whatever the architecture:
 * a recording form is attached to every 2-D parameter, one forward pass runs under {@link NoGrad}, and
 * the matrices that were called are the linear layers (Linear modules, LSTM/GRU {@code weight_ih} /
 * {@code weight_hh}, attention projections, heads). Embeddings, position tables and convolution kernels
 * are 2-D or more but never reach {@code Ops.linear}, so they are left out. Forms already attached are
 * put back afterwards.
 */
public final class LinearLayers {

    /** Receives the input rows a recorded linear multiplies ({@code rows × in} at {@code x[off ...]}). */
    @FunctionalInterface
    public interface InputSink {
        void accept(String layer, float[] x, int off, int rows, int in);
    }

    private LinearLayers() {}

    /**
     * The model's linear layers in the order the forward pass first calls them. {@code sampleInput} is
     * one batch; rows per inference are the rows each matrix multiplied divided by the batch size.
     */
    public static List<LinearLayer> probe(Model model, Tensor sampleInput) {
        Map<String, Var> candidates = new LinkedHashMap<>();
        model.namedParameters().forEach((name, v) -> {
            if (v.shape().length == 2) {
                candidates.put(name, v);
            }
        });
        List<String> order = new ArrayList<>();
        Map<String, RecordingWeights> recorders = run(model, candidates, List.of(sampleInput),
                (layer, x, off, rows, in) -> {
                    if (!order.contains(layer)) {
                        order.add(layer);
                    }
                });
        int batch = Math.max(1, sampleInput.shape()[0]);
        List<LinearLayer> layers = new ArrayList<>();
        for (String name : order) {
            Var w = candidates.get(name);
            layers.add(new LinearLayer(name, w, w.shape()[0], w.shape()[1], recorders.get(name).rows() / batch));
        }
        return layers;
    }

    /**
     * Runs the model on every input batch (no gradient) with recording forms on {@code layers} and
     * hands each matrix's input rows to {@code sink}; the layers' own forms are restored afterwards.
     */
    public static void record(Model model, List<LinearLayer> layers, Iterable<Tensor> inputs, InputSink sink) {
        Map<String, Var> weights = new LinkedHashMap<>();
        for (LinearLayer l : layers) {
            weights.put(l.name(), l.weight());
        }
        run(model, weights, inputs, sink);
    }

    private static Map<String, RecordingWeights> run(Model model, Map<String, Var> weights, Iterable<Tensor> inputs,
            InputSink sink) {
        Map<Var, LinearWeights> previous = new IdentityHashMap<>();
        Map<String, RecordingWeights> recorders = new LinkedHashMap<>();
        try {
            weights.forEach((name, v) -> {
                previous.put(v, v.inferenceWeights());
                RecordingWeights r = new RecordingWeights(name, v.shape()[0], v.shape()[1], v.value().toArray(), sink);
                recorders.put(name, r);
                v.setInferenceWeights(r);
            });
            try (NoGrad ignored = NoGrad.enter()) {
                for (Tensor input : inputs) {
                    model.forward(input);
                }
            }
        } finally {
            previous.forEach(Var::setInferenceWeights);
        }
        return recorders;
    }
}

package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.NeuronGroup.Axis;
import dev.joule.compress.prune.NeuronGroup.Span;
import dev.joule.models.CharTransformer;
import dev.joule.models.MlpModel;
import dev.joule.models.ModelConfig;
import dev.joule.models.TransformerClassifier;
import dev.joule.models.rnn.RecurrentNetwork;
import dev.joule.nn.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The prunable unit groups of the architectures structured pruning knows, read from their parameter names:
 *
 * <ul>
 *   <li>{@code mlp}: the hidden neurons — {@code fc1} rows and bias (ReLU(0) = 0), {@code fc2} columns.</li>
 *   <li>{@code transformer} (classifier and language model), per block: the feed-forward channels —
 *       {@code ff.up} rows and bias (GELU(0) = 0), {@code ff.down} columns; and the attention heads — the head's
 *       {@code dModel/heads} rows of {@code q, k, v} and their bias entries (a head with v = 0 outputs
 *       softmax(·)·0 = 0), the head's columns of {@code out}.</li>
 *   <li>{@code lstm, gru}, per layer: the hidden units — the unit's row in every gate block of
 *       {@code weight_ih, weight_hh} and both biases; consumed by column j of the layer's own {@code weight_hh},
 *       of the next layer's {@code weight_ih}, or of the {@code head}.</li>
 *   <li>{@code mingru, minlstm}, per layer: the unit's row in every gate block of {@code proj} (2 or 3 blocks),
 *       consumed by the next layer's {@code proj} or the {@code head}; on Fashion-MNIST also the outputs of the
 *       input projection {@code in}, consumed by the first layer's {@code proj}.</li>
 * </ul>
 * Residual widths (the Transformer's dModel) and embeddings are not pruned: every block reads them.
 */
public final class NeuronGroups {
    private NeuronGroups() {}

    /** The groups of {@code model}, validated against its parameters (names and shapes). */
    public static List<NeuronGroup> of(Model model) {
        List<NeuronGroup> groups;
        if (model instanceof MlpModel m) {
            groups = List.of(new NeuronGroup("fc1", "neuron", m.config().hidden(),
                    List.of(Span.rows("fc1.weight"), Span.rows("fc1.bias")), List.of(Span.columns("fc2.weight"))));
        } else if (model instanceof TransformerClassifier t) {
            groups = transformer(t.config());
        } else if (model instanceof CharTransformer t) {
            groups = transformer(t.config());
        } else if (model instanceof RecurrentNetwork r) {
            groups = recurrent(r.config());
        } else {
            throw new IllegalArgumentException("structured pruning does not know the units of "
                    + model.getClass().getSimpleName() + "; supported: mlp, transformer, lstm, gru, mingru, minlstm");
        }
        check(model.namedParameters(), groups);
        return groups;
    }

    /**
     * The groups of {@code model} whose unit kind is one of {@code kinds} ({@code "neuron"}, {@code "channel"},
     * {@code "head"}, {@code "hidden unit"}): e.g. only the feed-forward channels of a Transformer, keeping every head.
     */
    public static List<NeuronGroup> of(Model model, String... kinds) {
        List<String> wanted = Arrays.asList(kinds);
        List<NeuronGroup> out = new ArrayList<>();
        for (NeuronGroup g : of(model)) {
            if (wanted.contains(g.kind())) {
                out.add(g);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no unit group of kind " + wanted + " in " + model.getClass().getSimpleName()
                    + "; its kinds are " + of(model).stream().map(NeuronGroup::kind).distinct().toList());
        }
        return out;
    }

    /**
     * Per group whose units the model's own modules skip in inference once its matrices carry shrunk forms (a
     * Transformer block's feed-forward channels and attention heads: {@code dev.joule.nn.NarrowedUnits}), the
     * names of the group's weight matrices; empty for other architectures, whose shrunk matrices gather and
     * scatter around the kept block one by one.
     */
    public static List<List<String>> narrowedInModules(Model model) {
        if (!(model instanceof TransformerClassifier || model instanceof CharTransformer)) {
            return List.of();
        }
        List<List<String>> out = new ArrayList<>();
        for (NeuronGroup g : of(model)) {
            List<String> matrices = new ArrayList<>();
            for (List<Span> spans : List.of(g.producers(), g.consumers())) {
                for (Span s : spans) {
                    if (s.param().endsWith(".weight") && !matrices.contains(s.param())) {
                        matrices.add(s.param());
                    }
                }
            }
            out.add(List.copyOf(matrices));
        }
        return out;
    }

    private static List<NeuronGroup> transformer(ModelConfig c) {
        int headWidth = c.dModel() / c.heads();
        List<NeuronGroup> groups = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String b = "blocks." + i + ".";
            groups.add(new NeuronGroup(b + "ff", "channel", c.ffDim(),
                    List.of(Span.rows(b + "ff.up.weight"), Span.rows(b + "ff.up.bias")),
                    List.of(Span.columns(b + "ff.down.weight"))));
            List<Span> producers = new ArrayList<>();
            for (String p : new String[] {"q", "k", "v"}) {
                producers.add(new Span(b + "attn." + p + ".weight", Axis.ROWS, 1, 0, headWidth));
                producers.add(new Span(b + "attn." + p + ".bias", Axis.ROWS, 1, 0, headWidth));
            }
            groups.add(new NeuronGroup(b + "attn", "head", c.heads(), producers,
                    List.of(new Span(b + "attn.out.weight", Axis.COLUMNS, 1, 0, headWidth))));
        }
        return groups;
    }

    private static List<NeuronGroup> recurrent(ModelConfig c) {
        String arch = c.architecture();
        int h = c.hidden();
        int gates = switch (arch) {
            case "lstm" -> 4;
            case "gru", "minlstm" -> 3;
            default -> 2;
        };
        boolean min = arch.startsWith("min");
        List<NeuronGroup> groups = new ArrayList<>();
        if (min && ModelConfig.FASHION_MNIST.equals(c.task())) {
            groups.add(new NeuronGroup("in", "hidden unit", h, List.of(Span.rows("in.weight"), Span.rows("in.bias")),
                    List.of(Span.columns("layers.0.proj.weight"))));
        }
        for (int i = 0; i < c.layers(); i++) {
            String l = "layers." + i + ".";
            List<Span> producers = new ArrayList<>();
            List<Span> consumers = new ArrayList<>();
            String[] produced = min ? new String[] {"proj.weight", "proj.bias"}
                    : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
            for (String p : produced) {
                producers.add(new Span(l + p, Axis.ROWS, gates, h, 1));
            }
            if (!min) {
                consumers.add(Span.columns(l + "weight_hh"));
            }
            boolean last = i == c.layers() - 1;
            String next = "layers." + (i + 1) + "." + (min ? "proj.weight" : "weight_ih");
            consumers.add(Span.columns(last ? "head.weight" : next));
            groups.add(new NeuronGroup("layers." + i, "hidden unit", h, producers, consumers));
        }
        return groups;
    }

    /** Every span must name a parameter of the right rank whose axis holds all the group's indices. */
    static void check(Map<String, Var> params, List<NeuronGroup> groups) {
        for (NeuronGroup g : groups) {
            for (List<Span> spans : List.of(g.producers(), g.consumers())) {
                for (Span s : spans) {
                    Var p = params.get(s.param());
                    if (p == null) {
                        throw new IllegalStateException("group '" + g.name() + "' names parameter '" + s.param()
                                + "', which the model does not have; the architecture's names changed, update NeuronGroups");
                    }
                    int[] shape = p.shape();
                    int axisLength = s.axis() == Axis.ROWS ? shape[0] : (shape.length == 2 ? shape[1] : -1);
                    int[] lastIdx = s.indices(g.units() - 1);
                    if (axisLength < 0 || lastIdx[lastIdx.length - 1] >= axisLength) {
                        throw new IllegalStateException("group '" + g.name() + "' (" + g.units() + " units) does not fit "
                                + s.axis() + " of '" + s.param() + "' " + Arrays.toString(shape)
                                + "; the architecture's shapes changed, update NeuronGroups");
                    }
                }
            }
        }
    }
}

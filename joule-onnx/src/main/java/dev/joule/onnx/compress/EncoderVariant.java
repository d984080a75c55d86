package dev.joule.onnx.compress;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.PackedDenseWeights;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.LinearSite;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One way of running an imported encoder, named as on the command line ({@code --variants}):
 * <ul>
 *   <li>{@code f32}: the weights pre-packed for the gemm (the default); {@code f32-unpacked}: the
 *       gemm packing them on every call (the engine before pre-packing, to measure it);</li>
 *   <li>{@code int8}: W8A8 (int8 weights per channel, int8 activations per row, int32 sums);
 *       {@code int8-weight}, {@code int4-weight}: weight-only, f32 activations;</li>
 *   <li>{@code prunedP}: {@code P} % of every feed-forward block's channels removed ({@link FfnPruning});
 *       combined with a scheme by {@code +}: {@code int8-weight+pruned25}.</li>
 * </ul>
 */
public record EncoderVariant(String name, QuantizedLinear.Scheme scheme, boolean prepack, double ffnPruneFraction) {

    /** Parses a variant name (see the class comment); unknown names are refused with the list. */
    public static EncoderVariant parse(String spec) {
        String name = spec.trim().toLowerCase(Locale.ROOT);
        QuantizedLinear.Scheme scheme = null;
        boolean prepack = true;
        double prune = 0;
        for (String part : name.split("\\+")) {
            switch (part) {
                case "f32" -> { }
                case "f32-unpacked" -> prepack = false;
                case "int8", "w8a8" -> scheme = QuantizedLinear.Scheme.W8A8;
                case "int8-weight" -> scheme = QuantizedLinear.Scheme.INT8_WEIGHT;
                case "int4-weight" -> scheme = QuantizedLinear.Scheme.INT4_WEIGHT;
                default -> prune = pruneFraction(part, spec);
            }
        }
        return new EncoderVariant(name, scheme, prepack, prune);
    }

    private static double pruneFraction(String part, String spec) {
        if (part.startsWith("pruned")) {
            try {
                int pct = Integer.parseInt(part.substring("pruned".length()));
                if (pct >= 0 && pct < 100) {
                    return pct / 100.0;
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new IllegalArgumentException("unknown encoder variant '" + spec + "'; use f32, f32-unpacked, int8, int8-weight,"
                + " int4-weight or prunedP (P % of FFN channels, 0-99), joined by '+' (e.g. int8-weight+pruned25)");
    }

    /** {@code base}'s graph (pruned by weights alone when asked; base is unchanged) with this variant's forms. */
    public OnnxModel apply(OnnxModel base) {
        return apply(base, Map.of());
    }

    /**
     * As {@link #apply(OnnxModel)}, pruning with the channel activity of {@link FfnPruning#calibrate}
     * (empty: weights alone).
     */
    public OnnxModel apply(OnnxModel base, Map<String, FfnPruning.ChannelStats> activity) {
        Graph graph = ffnPruneFraction > 0 ? FfnPruning.prune(base.graph(), ffnPruneFraction, activity).graph() : base.graph();
        return OnnxModel.of(graph, base.source() + " [" + name + "]", formFactory());
    }

    /** The form each linear layer gets (null: the plain gemm on the f32 weight). */
    public Function<LinearSite, LinearWeights> formFactory() {
        if (scheme != null) {
            return site -> QuantizedLinear.quantize(scheme, site.weightOutIn(), site.out(), site.in());
        }
        return prepack ? site -> PackedDenseWeights.ofInputMajor(site.out(), site.in(), site.weightInOut()) : site -> null;
    }
}

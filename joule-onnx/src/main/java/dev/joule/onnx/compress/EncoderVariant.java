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
 *   <li>{@code prunedP}: {@code P} % of every feed-forward block's channels removed ({@link FfnPruning});</li>
 *   <li>{@code headsP}: {@code P} % of every attention block's heads removed ({@link HeadPruning#prune});
 *       {@code headsP-global}: {@code P} % of all heads, the least active wherever they are
 *       ({@link HeadPruning#pruneGlobally}); {@code headsP-ablation}: the same ranked by {@link HeadAblation}
 *       (one run of the sample per head);</li>
 *   <li>combined by {@code +}: {@code int8-weight+pruned25}, {@code int8+heads25+pruned25}.</li>
 * </ul>
 */
public record EncoderVariant(String name, QuantizedLinear.Scheme scheme, boolean prepack, double ffnPruneFraction,
                             double headPruneFraction, HeadRanking headRanking) {

    /** Which heads {@code headsP} removes: the same share of every block, or the lowest-ranked anywhere. */
    public enum HeadRanking {
        /** {@code headsP}: P % of each block, by activity ({@link HeadPruning#prune}). */
        PER_BLOCK(""),
        /** {@code headsP-global}: P % of all heads, by activity ({@link HeadPruning#pruneGlobally}). */
        GLOBAL("-global"),
        /** {@code headsP-ablation}: P % of all heads, by the damage removing each alone does ({@link HeadAblation}). */
        ABLATION("-ablation");

        private final String suffix;

        HeadRanking(String suffix) {
            this.suffix = suffix;
        }
    }


    /** Parses a variant name (see the class comment); unknown names are refused with the list. */
    public static EncoderVariant parse(String spec) {
        String name = spec.trim().toLowerCase(Locale.ROOT);
        QuantizedLinear.Scheme scheme = null;
        boolean prepack = true;
        double prune = 0;
        double heads = 0;
        HeadRanking ranking = HeadRanking.PER_BLOCK;
        for (String part : name.split("\\+")) {
            switch (part) {
                case "f32" -> { }
                case "f32-unpacked" -> prepack = false;
                case "int8", "w8a8" -> scheme = QuantizedLinear.Scheme.W8A8;
                case "int8-weight" -> scheme = QuantizedLinear.Scheme.INT8_WEIGHT;
                case "int4-weight" -> scheme = QuantizedLinear.Scheme.INT4_WEIGHT;
                default -> {
                    if (part.startsWith("heads")) {
                        for (HeadRanking r : HeadRanking.values()) {
                            ranking = !r.suffix.isEmpty() && part.endsWith(r.suffix) ? r : ranking;
                        }
                        heads = percent(part.substring(0, part.length() - ranking.suffix.length()), "heads", spec);
                    } else {
                        prune = percent(part, "pruned", spec);
                    }
                }
            }
        }
        return new EncoderVariant(name, scheme, prepack, prune, heads, ranking);
    }

    private static double percent(String part, String prefix, String spec) {
        if (part.startsWith(prefix)) {
            try {
                int pct = Integer.parseInt(part.substring(prefix.length()));
                if (pct >= 0 && pct < 100) {
                    return pct / 100.0;
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new IllegalArgumentException("unknown encoder variant '" + spec + "'; use f32, f32-unpacked, int8, int8-weight,"
                + " int4-weight, prunedP (P % of FFN channels, 0-99) or headsP (P % of each block's attention heads, 0-99;"
                + " headsP-global, headsP-ablation: P % of all heads, wherever least active or least missed), joined by '+'"
                + " (e.g. int8-weight+pruned25, int8+heads25+pruned25)");
    }

    /** {@code base}'s graph (pruned by weights alone when asked; base is unchanged) with this variant's forms. */
    public OnnxModel apply(OnnxModel base) {
        return apply(base, Map.of());
    }

    /**
     * As {@link #apply(OnnxModel)}, pruning FFN channels with the channel activity of {@link FfnPruning#calibrate}
     * (empty: weights alone) and heads by weights alone.
     */
    public OnnxModel apply(OnnxModel base, Map<String, FfnPruning.ChannelStats> activity) {
        return apply(base, activity, Map.of());
    }

    /**
     * As {@link #apply(OnnxModel)}, pruning with the calibrated FFN channel activity ({@link FfnPruning#calibrate})
     * and head activity ({@link HeadPruning#calibrate}); an empty map: that pruning by weights alone.
     */
    public OnnxModel apply(OnnxModel base, Map<String, FfnPruning.ChannelStats> activity,
                           Map<String, HeadPruning.HeadStats> headActivity) {
        Graph graph = base.graph();
        if (headPruneFraction > 0) {
            graph = (headRanking != HeadRanking.PER_BLOCK ? HeadPruning.pruneGlobally(graph, headPruneFraction, headActivity)
                    : HeadPruning.prune(graph, headPruneFraction, headActivity)).graph();
        }
        if (ffnPruneFraction > 0) {
            graph = FfnPruning.prune(graph, ffnPruneFraction, activity).graph();
        }
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

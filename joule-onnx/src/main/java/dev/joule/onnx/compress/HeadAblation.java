package dev.joule.onnx.compress;

import dev.joule.onnx.embed.Pooling;
import dev.joule.onnx.graph.Graph;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Scores attention heads by what removing each one alone does to the model's final outputs: for every
 * head of every block the graph is pruned of that head only (with bias correction when calibrated) and
 * run on sample inputs, and the head's score is the mean {@code 1 − cosine} between those outputs and
 * the unpruned ones. Unlike the activity score this sees what later blocks and the final layer norm
 * make of a head, and scores in every block share one scale, so {@link HeadPruning#pruneGlobally} can
 * rank them together. It costs one run of the sample per head (72 for MiniLM).
 */
public final class HeadAblation {
    private HeadAblation() {}

    /**
     * Per block (keyed by context name), the heads' damage scores in place of {@code stats}' activity,
     * with {@code stats}' means kept for bias correction. {@code embed} runs a graph on the sample and
     * returns one output row per sample item (e.g. sentence embeddings).
     */
    public static Map<String, HeadPruning.HeadStats> scores(Graph graph, Map<String, HeadPruning.HeadStats> stats,
                                                            Function<Graph, float[][]> embed) {
        float[][] reference = embed.apply(graph);
        Map<String, HeadPruning.HeadStats> scored = new HashMap<>();
        for (AttentionLayer layer : AttentionLayer.find(graph)) {
            int heads = layer.heads();
            double[] damage = new double[heads];
            for (int h = 0; h < heads && heads > 1; h++) {
                int[] kept = new int[heads - 1];
                for (int i = 0, j = 0; i < heads; i++) {
                    if (i != h) {
                        kept[j++] = i;
                    }
                }
                float[][] got = embed.apply(HeadPruning.keep(graph, Map.of(layer.contextName(), kept), stats).graph());
                damage[h] = meanCosineLoss(reference, got);
            }
            HeadPruning.HeadStats s = stats.get(layer.contextName());
            scored.put(layer.contextName(), new HeadPruning.HeadStats(damage, s != null ? s.mean() : new double[heads][layer.headDim()]));
        }
        return scored;
    }

    private static double meanCosineLoss(float[][] reference, float[][] got) {
        double loss = 0;
        for (int i = 0; i < reference.length; i++) {
            loss += 1 - Pooling.cosine(reference[i], got[i]);
        }
        return loss / reference.length;
    }
}

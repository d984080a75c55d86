package dev.joule.onnx.graph;

/**
 * One fused linear layer of a loaded graph ({@code joule.Linear}: {@code y = x · B + b} with a constant
 * {@code B}), as handed to a form factory: the node, its weight initializer and the weight itself in
 * ONNX's layout {@code B = Wᵀ [in, out]} row-major. {@code weightInOut} is the graph's own array:
 * read it, never write it.
 */
public record LinearSite(String nodeName, String weightName, int in, int out, float[] weightInOut) {

    /** The weight as {@code W [out, in]} row-major (a new array): the layout of {@code LinearWeights}. */
    public float[] weightOutIn() {
        float[] w = new float[out * in];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                w[o * in + i] = weightInOut[i * out + o];
            }
        }
        return w;
    }
}

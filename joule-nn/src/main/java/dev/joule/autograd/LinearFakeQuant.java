package dev.joule.autograd;

/**
 * Quantization-aware training for one linear weight: when attached with {@link Var#setFakeQuant},
 * {@link Ops#linear} passes its input and its weight through these two differentiable maps before the
 * f32 product, so training sees the rounding and clipping the integer kernels will apply at inference.
 * The maps are autograd ops themselves (usually fake-quantize forward, straight-through backward), so
 * the weight's gradient reaches the f32 master copy through them.
 *
 * <p>An attached inference form ({@link Var#setInferenceWeights}) takes precedence under {@link NoGrad};
 * with no form, evaluation runs the fake-quantized product too, so validation during QAT measures what
 * the quantized model will do.
 */
public interface LinearFakeQuant {

    /** The input {@code x [..., in]} as the integer kernel will see it. */
    Var input(Var x);

    /**
     * The weight {@code [out, in]} as the integer kernel will see it: a new node (an op on {@code w}),
     * never {@code w} itself, whose hook would apply again.
     */
    Var weight(Var w);
}

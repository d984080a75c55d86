package dev.joule.snn;

import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * How an analog input (pixel intensities in [0, 1]) enters a spiking network over T steps.
 *
 * <ul>
 *   <li>{@link #DIRECT}: the same analog input at every step into the first layer, whose LIF neurons are the encoder
 *       (snnTorch tutorial 5, SpikingJelly's conv Fashion-MNIST). Best accuracy per step. Since the input does not
 *       change, the first layer's product is computed once and its current repeated ({@code LifOps.lifRepeated});
 *       that layer costs multiply-accumulates, not accumulates.</li>
 *   <li>{@link #RATE}: at each step each pixel is an independent Bernoulli spike with {@code p = clamp(x, 0, 1)}
 *       (snnTorch {@code spikegen.rate}, SpikingJelly {@code PoissonEncoder}); every layer is then fed by spikes.
 *       Noisy: needs more steps for the same accuracy.</li>
 * </ul>
 */
public enum SpikeEncoding {
    DIRECT,
    RATE;

    /** {@code x [B, ...]} → {@code [steps, B, ...]} of 0/1 spikes, each 1 with probability {@code clamp(x, 0, 1)}. */
    public static Tensor rate(Tensor x, int steps, RandomGenerator rng) {
        if (steps < 1) {
            throw new IllegalArgumentException("rate encoding needs steps >= 1, got " + steps);
        }
        int n = x.size();
        float[] src = x.data();
        int off = x.offset();
        float[] out = new float[steps * n];
        for (int t = 0; t < steps; t++) {
            int base = t * n;
            for (int i = 0; i < n; i++) {
                float p = src[off + i];
                out[base + i] = rng.nextFloat() < p ? 1f : 0f;
            }
        }
        int[] s = x.shape();
        int[] shape = new int[s.length + 1];
        shape[0] = steps;
        System.arraycopy(s, 0, shape, 1, s.length);
        return Tensor.of(out, shape);
    }
}

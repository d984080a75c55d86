package dev.joule.kernel.forms;

import java.util.Arrays;

/** The reference: one plain axpy per active input, in ascending input order. */
final class ScalarActiveRowSums implements ActiveRowSums {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void sum(float[] wt, int out, int[] active, float[] alpha, int count, float[] y, int yOff) {
        Arrays.fill(y, yOff, yOff + out, 0f);
        for (int k = 0; k < count; k++) {
            float a = alpha[k];
            int row = active[k] * out;
            for (int o = 0; o < out; o++) {
                y[yOff + o] += a * wt[row + o];
            }
        }
    }
}

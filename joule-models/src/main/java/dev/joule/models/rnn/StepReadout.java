package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.tensor.Tensor;

/**
 * The last slot of a block-stack model's step state and the head applied after the last block.
 *
 * <p>Slot layout: {@code [0]} the position counter per stream ({@code [B]}); for the image classifier
 * also {@code [1]} the running sum of final hidden states ({@code [B, d]}), so that the step form
 * gives the same mean-pooled logits as the parallel form after every row.
 */
final class StepReadout {
    private StepReadout() {}

    static Tensor[] initialSlot(int batch, int dModel, boolean images) {
        return images ? new Tensor[] {Tensor.zeros(batch), Tensor.zeros(batch, dModel)} : new Tensor[] {Tensor.zeros(batch)};
    }

    /** Positions already consumed (the index of the position being stepped now). */
    static int position(Tensor[] slot) {
        return (int) slot[0].get(0);
    }

    /** Advances the counter and returns the head's logits: per token, or over the mean of the rows so far. */
    static Var step(Tensor[] slot, Var h, Linear head, boolean images) {
        int t = position(slot);
        slot[0].fill(t + 1);
        if (!images) {
            return head.forward(h);
        }
        Var sum = Ops.add(Var.constant(slot[1]), h);
        slot[1] = sum.value();
        return head.forward(Ops.scale(sum, 1f / (t + 1)));
    }
}

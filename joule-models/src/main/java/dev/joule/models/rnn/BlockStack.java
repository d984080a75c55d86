package dev.joule.models.rnn;

import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of a block-stack model (linear transformer, Mamba, RWKV) and what every such model does
 * with them: run them in parallel or step form, build the step state (block slots, then the
 * {@link StepReadout} slot) and count MACs.
 */
final class BlockStack<B extends StackBlock> {
    private final List<B> blocks = new ArrayList<>();

    void add(B block) {
        blocks.add(block);
    }

    List<B> blocks() {
        return blocks;
    }

    Var forward(Var h) {
        for (B b : blocks) {
            h = b.forward(h);
        }
        return h;
    }

    Var step(Var h, RecurrentState state) {
        for (int i = 0; i < blocks.size(); i++) {
            h = blocks.get(i).step(h, state.layer(i));
        }
        return h;
    }

    /** The readout slot, after the blocks' slots. */
    Tensor[] readoutSlot(RecurrentState state) {
        return state.layer(blocks.size());
    }

    RecurrentState initialState(int batch, int dModel, boolean images) {
        List<Tensor[]> slots = new ArrayList<>();
        for (B b : blocks) {
            slots.add(b.initialState(batch));
        }
        slots.add(StepReadout.initialSlot(batch, dModel, images));
        return new RecurrentState(batch, slots);
    }

    /**
     * One forward over T = seqLen positions: fashion-mnist {@code T·i·d + T·Σ block + d·C}; tokens
     * {@code T·(Σ block + d·V)}, where Σ block is the blocks' MACs per token.
     */
    long macsPerInference(ModelConfig config, boolean images) {
        long t = config.seqLen();
        long d = config.dModel();
        long perToken = 0;
        for (B b : blocks) {
            perToken += b.macsPerToken(config);
        }
        if (images) {
            return t * config.inputDim() * d + t * perToken + d * config.numClasses();
        }
        return t * (perToken + d * config.vocabSize());
    }
}

package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Embedding;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * A causal block-stack model without positional embeddings (its blocks are order-aware), shared by
 * Mamba and RWKV; subclasses choose the block and the final norm.
 *
 * <pre>
 *   fashion-mnist: rows [B, 28, 28] → embed: Linear(28, d) → L blocks → norm(d) → mean over T → head: Linear(d, 10)
 *   token tasks:   ids [B, T] → tok: Embedding(V, d) → L blocks → norm → head: Linear(d, V)
 * </pre>
 *
 * The classifier's step state adds the running sum of normed outputs for the mean ({@link StepReadout}).
 */
abstract class BlockStackModel<B extends Module & StackBlock> extends Module implements RecurrentModel {
    private final String name;
    private final ModelConfig config;
    private final boolean images;
    private final Linear embed;
    private final Embedding tok;
    private final BlockStack<B> blocks = new BlockStack<>();
    private final Module norm;
    private final Linear head;

    /** {@code newBlock} builds block {@code i}; {@code newNorm} the final norm of width d. */
    BlockStackModel(String name, ModelConfig config, RandomGenerator rng, IntFunction<B> newBlock,
                    IntFunction<Module> newNorm) {
        this.name = name;
        this.config = config;
        this.images = ModelConfig.FASHION_MNIST.equals(config.task());
        int d = config.dModel();
        this.embed = images ? register("embed", new Linear(config.inputDim(), d, true, rng)) : null;
        this.tok = images ? null : register("tok", new Embedding(config.vocabSize(), d, 0.02f, rng));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(newBlock.apply(i));
        }
        register("blocks", new Sequential(blocks.blocks()));
        this.norm = register("norm", newNorm.apply(d));
        this.head = register("head", new Linear(d, config.numClasses(), true, rng));
    }

    /** fashion-mnist: rows {@code [B, T, in]} → {@code [B, classes]}; tokens: ids {@code [B, T]} → {@code [B, T, V]}. */
    @Override
    public Var forward(Tensor input) {
        int[] s = input.shape();
        Var h;
        if (images) {
            if (s.length != 3 || s[2] != config.inputDim()) {
                throw new IllegalArgumentException(name + " expects rows [B, T, " + config.inputDim() + "], got "
                        + Arrays.toString(s));
            }
            h = embed.forward(Var.constant(input));
        } else {
            if (s.length != 2) {
                throw new IllegalArgumentException(name + " expects ids [B, T], got " + Arrays.toString(s));
            }
            h = tok.forward(input);
        }
        h = norm.forward(blocks.forward(h));
        return images ? head.forward(Ops.mean(h, 1, false)) : head.forward(h);
    }

    @Override
    public Var forward(Var x) {
        return forward(x.value());
    }

    /** Slots: one per block (see the block's {@code initialState}); then the {@link StepReadout} slot. */
    @Override
    public RecurrentState initialState(int batch) {
        return blocks.initialState(batch, config.dModel(), images);
    }

    @Override
    public Var step(RecurrentState state, Tensor xT) {
        Var h = images ? embed.forward(Var.constant(xT)) : tok.forward(xT);
        h = blocks.step(h, state);
        return StepReadout.step(blocks.readoutSlot(state), norm.forward(h), head, images);
    }

    /** See {@link BlockStack#macsPerInference}; the blocks document their per-token MACs. */
    @Override
    public long macsPerInference() {
        return blocks.macsPerInference(config, images);
    }

    public ModelConfig config() {
        return config;
    }
}

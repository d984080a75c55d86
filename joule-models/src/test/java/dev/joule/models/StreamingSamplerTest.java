package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.models.rnn.RecurrentModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming generation through the step form gives the text the full-context sampler gives. */
class StreamingSamplerTest {

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "mingru", "minlstm"})
    void streamingMatchesFullContextSampling(String arch) {
        ModelConfig c = ModelConfig.charLm(arch, 11, 64);
        ModelConfig small = new ModelConfig(c.architecture(), c.task(), c.inputDim(), c.seqLen(), c.vocabSize(),
                c.numClasses(), 8, c.heads(), 2, c.ffDim(), 12, 0f);
        RecurrentModel m = (RecurrentModel) ModelRegistry.create(small, 3);
        int[] prompt = {1, 4, 2, 9};
        int[] full = new Sampler(m, 64).generate(prompt, 20, 0.9f, 0, 42);
        int[] streamed = new StreamingSampler(m).generate(prompt, 20, 0.9f, 0, 42);
        assertArrayEquals(full, streamed, arch);
    }
}

package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The token-task default shapes keep every architecture near the issue's ~1M-parameter char-LM references. */
class TokenDefaultsTest {
    private static final int VOCAB = 100;

    @ParameterizedTest
    @ValueSource(strings = {"transformer", "linear-transformer", "lstm", "mingru", "minlstm", "mamba", "rwkv"})
    void charLmDefaultsAreNearAMillionParameters(String arch) {
        long params = ModelRegistry.create(ModelConfig.charLm(arch, VOCAB, 128), 0).parameterCount();
        assertTrue(params >= 800_000 && params <= 1_100_000, arch + ": " + params + " parameters");
    }

    @Test
    void lstmIsTheReferenceTwoLayersOf256() {
        ModelConfig c = ModelConfig.charLm("lstm", VOCAB, 128);
        assertEquals(256, c.hidden());
        assertEquals(2, c.layers());
        ModelConfig t = ModelConfig.charLm("transformer", VOCAB, 128);
        assertEquals(new ModelConfig("transformer", "char-lm", 0, 128, VOCAB, VOCAB, 128, 4, 4, 512, 0, 0f), t);
    }
}

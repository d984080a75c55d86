package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ModelConfig cfg = ModelConfig.charLm("transformer", 113, 128).withDropout(0.1f);
        String text = json.writeValueAsString(cfg);
        assertEquals(cfg, json.readValue(text, ModelConfig.class));
        assertEquals(12, json.readTree(text).size(), text);
    }

    @Test
    void fashionMnistDefaultsComeFromTheDataSet() {
        ModelConfig cfg = ModelConfig.defaults("transformer", "fashion-mnist", 784, 0, 0, 0);
        assertEquals(new ModelConfig("transformer", "fashion-mnist", 28, 28, 0, 10, 64, 4, 2, 128, 0, 0f), cfg);
        assertEquals(256, ModelConfig.fashionMnist("mlp").hidden());
    }

    @Test
    void charLmDefaultsMatchTheBaseline() {
        ModelConfig cfg = ModelConfig.defaults("transformer", "char-lm", 0, 0, 65, 0);
        assertEquals(new ModelConfig("transformer", "char-lm", 0, 128, 65, 65, 128, 4, 4, 512, 0, 0f), cfg);
    }
}

package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code joule eval} on a spiking checkpoint reports each layer's measured activity over exactly the evaluated images. */
class SpikingEvalCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void evalReportsSpikesAndAccumulatesPerLayer() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 120);
        Path out = tmp.resolve("snn");
        CliRun train = CliRun.of("train", "--model", "snn", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "1", "--batch", "20", "--seed", "1", "--threads", "1", "--out", out.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());

        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode e = JSON.readTree(eval.out());
        JsonNode layers = e.get("spikingLayers");
        assertTrue(layers != null && layers.size() >= 2, "hidden and read-out layers: " + e);
        double acs = 0;
        for (JsonNode l : layers) {
            assertEquals(e.get("targets").asLong(), l.get("samples").asLong(), "the window is the evaluated set: " + l);
            double rate = l.get("firingRate").asDouble();
            assertTrue(rate >= 0 && rate <= 1, l.toString());
            assertEquals(rate * l.get("neurons").asLong() * l.get("steps").asInt(), l.get("spikesPerInference").asDouble(), 1e-6);
            acs += l.get("acsPerInference").asDouble();
        }
        assertTrue(acs > 0, "a trained network's hidden spikes feed the read-out with accumulates: " + layers);

        CliRun text = CliRun.of("eval", "--checkpoint", out.toString());
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("spiking activity") && text.out().contains("ACs"), text.out());
    }

    @Test
    void nonSpikingModelsHaveNoActivityTable() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 60);
        Path out = tmp.resolve("mlp");
        assertEquals(0, CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "1", "--batch", "20", "--hidden", "16", "--threads", "1", "--out", out.toString()).exitCode());
        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertFalse(JSON.readTree(eval.out()).has("spikingLayers"), eval.out());
    }
}

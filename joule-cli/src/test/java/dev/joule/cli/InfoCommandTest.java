package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.kernel.Kernels;
import dev.joule.kernel.PackedMatrix;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void jsonReportsKernelsThreadsDataSetsAndMeter() throws Exception {
        CliRun run = CliRun.of("info", "--json", "--threads", "1");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode info = new ObjectMapper().readTree(run.out());
        assertEquals(Kernels.get().name(), info.get("kernels").asText());
        assertEquals(PackedMatrix.fewRowKernels(), info.get("f32FewRows").asText());
        assertTrue(info.get("f32FewRows").asText().matches("native \\(.*\\)|Java kernels \\(.+\\)"), info.toString());
        assertEquals(1, info.get("threads").asInt());
        assertTrue(info.get("fashionMnist").asText().matches("found in .*|missing \\(install with: apt-get install dataset-fashion-mnist\\)"),
                info.toString());
        assertTrue(info.get("energyMeter").asText().length() > 0);
        CliRun.of("info", "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void unknownFlagIsAUsageError() {
        CliRun run = CliRun.of("info", "--bogus");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--bogus"), run::toString);
    }
}

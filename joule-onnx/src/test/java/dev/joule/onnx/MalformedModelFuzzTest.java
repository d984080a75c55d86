package dev.joule.onnx;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutated bytes of a valid model: every load and run either succeeds or throws an {@link OnnxException}
 * (never another exception, an error or a hang).
 */
class MalformedModelFuzzTest {
    private static final int CASES = 1000;

    @ParameterizedTest
    @ValueSource(longs = {20261126L, 7L, 424242L})
    void mutatedModelsFailCleanly(long seed) {
        byte[] valid = TestModels.small().toByteArray();
        SplittableRandom rnd = new SplittableRandom(seed);
        int rejected = 0;
        for (int c = 0; c < CASES; c++) {
            byte[] bytes = mutate(valid, rnd);
            int caseNo = c;
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> tryLoadAndRun(bytes, caseNo));
            rejected += ok ? 0 : 1;
        }
        if (rejected == 0) {
            fail("no mutation was rejected: the fuzzer is not reaching the checks");
        }
    }

    private static boolean tryLoadAndRun(byte[] bytes, int caseNo) {
        try {
            OnnxModel m = OnnxModel.load(bytes, "case " + caseNo);
            m.run(Map.of("x", FloatValue.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
            return true;
        } catch (OnnxException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail("case " + caseNo + ": OnnxException without a message");
            }
            return false;
        } catch (Throwable t) {
            throw new AssertionError("case " + caseNo + ": " + t + " instead of an OnnxException, bytes "
                    + Arrays.toString(bytes), t);
        }
    }

    private static byte[] mutate(byte[] valid, SplittableRandom rnd) {
        byte[] b = valid.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> {
                for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] junk = new byte[1 + rnd.nextInt(8)];
                for (int i = 0; i < junk.length; i++) {
                    junk[i] = (byte) rnd.nextInt(256);
                }
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                b = out;
            }
        }
        return b;
    }
}

package dev.joule.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTasksTest {
    @Test
    void selectiveCopyAsksForTheSymbolsInOrder() {
        SelectiveCopy task = SelectiveCopy.small(3, 50);
        assertEquals(10, task.vocabSize());
        assertEquals(20, task.sequenceLength());
        Batch b = task.range(0, 50);
        float[] x = b.inputs().toArray();
        for (int row = 0; row < 50; row++) {
            List<Integer> symbols = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int tok = (int) x[row * 20 + t];
                assertTrue(tok == SelectiveCopy.BLANK || tok >= 2);
                if (tok >= 2) {
                    symbols.add(tok);
                }
                assertEquals(Batch.IGNORE, b.targets()[row * 20 + t]);
            }
            assertEquals(4, symbols.size());
            assertEquals(SelectiveCopy.SEPARATOR, (int) x[row * 20 + 16]);
            for (int k = 0; k < 4; k++) {
                assertEquals(symbols.get(k), b.targets()[row * 20 + 16 + k]);
            }
        }
        assertEquals(200, b.scoredTargets());
    }

    @Test
    void associativeRecallAnswersTheQueriedKey() {
        AssociativeRecall task = AssociativeRecall.small(5, 40);
        Batch b = task.range(0, 40);
        float[] x = b.inputs().toArray();
        int t = task.sequenceLength();
        for (int row = 0; row < 40; row++) {
            int q = (int) x[row * t + t - 1];
            int answer = -2;
            for (int i = 0; i < 4; i++) {
                if ((int) x[row * t + 2 * i] == q) {
                    answer = (int) x[row * t + 2 * i + 1];
                }
            }
            assertEquals(answer, b.targets()[row * t + t - 1]);
            assertTrue(answer >= 8 && answer < 16);
        }
        assertEquals(40, b.scoredTargets());
    }

    @Test
    void examplesDependOnlyOnSeedAndIndex() {
        SelectiveCopy a = SelectiveCopy.small(11, 100);
        SelectiveCopy b = SelectiveCopy.small(11, 100);
        assertArrayEquals(a.batch(new int[] {42}).inputs().toArray(), b.batch(new int[] {7, 42}).inputs().rows(1, 2).toArray());
    }
}

package dev.joule.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharCorpusTest {
    @TempDir
    Path dir;

    private static String text(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < n; i++) {
            sb.append("the quick brown fox ").append(i).append(" jumps\n");
        }
        return sb.substring(0, n);
    }

    @Test
    void vocabularyIsSortedAndRoundTrips() {
        Vocabulary v = Vocabulary.of("banana é€");
        assertEquals(" abné€", v.chars());
        assertArrayEquals(new int[] {2, 1, 3}, v.encode("ban"));
        assertEquals("€é nab", v.decode(v.encode("€é nab")));
        assertEquals(v, Vocabulary.fromChars(v.chars()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void splitsNinetyTenByPosition() {
        CharCorpus c = CharCorpus.fromText(text(1000), "t");
        assertEquals(900, c.trainTokens().length);
        assertEquals(100, c.validationTokens().length);
        assertEquals(text(1000).substring(900), c.vocabulary().decode(c.validationTokens()));
    }

    @Test
    void validationCoversEveryCharacterOnce() {
        CharCorpus c = CharCorpus.fromText(text(1357), "t");
        int[] val = c.validationTokens();
        List<Batch> batches = c.validationBatches(16, 3);
        int n = 0;
        StringBuilder targets = new StringBuilder();
        for (Batch b : batches) {
            n += b.targets().length;
            targets.append(c.vocabulary().decode(b.targets()));
            float[] x = b.inputs().toArray();
            for (int i = 0; i < x.length; i++) {
                // Each input is the character just before its target.
                int t = b.targets()[i];
                assertTrue(x[i] >= 0 && t >= 0);
            }
        }
        assertEquals(val.length - 1, n);
        int[] expected = java.util.Arrays.copyOfRange(val, 1, val.length);
        assertEquals(c.vocabulary().decode(expected), targets.toString());
    }

    @Test
    void trainingWindowsAreSeededAndShifted() {
        CharCorpus c = CharCorpus.fromText(text(5000), "t");
        BatchStream s = c.trainingWindows(4, 32, 9);
        Batch a = s.batch(2, 17);
        Batch b = c.trainingWindows(4, 32, 9).batch(2, 17);
        assertArrayEquals(a.inputs().toArray(), b.inputs().toArray());
        assertArrayEquals(new int[] {4, 32}, a.inputs().shape());
        float[] x = a.inputs().toArray();
        for (int row = 0; row < 4; row++) {
            for (int t = 0; t + 1 < 32; t++) {
                assertEquals(x[row * 32 + t + 1], a.targets()[row * 32 + t]);
            }
        }
    }

    @Test
    void invalidUtf8NamesTheFile() throws Exception {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'a', (byte) 0xE9, 'b'});
        DataFormatException e = assertThrows(DataFormatException.class, () -> CharCorpus.fromFile(f));
        assertTrue(e.getMessage().contains("latin1.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void missingFortunesGivesInstallHint() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> CharCorpus.fortunes(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("apt-get install fortunes"), e.getMessage());
    }

    @Test
    void fortunesSkipsIndexFilesAndSortsByName() throws Exception {
        Files.writeString(dir.resolve("b"), "second\n");
        Files.writeString(dir.resolve("a"), "first\n");
        Files.write(dir.resolve("a.dat"), new byte[] {0, 1, 2});
        assertEquals("first\nsecond\n", CharCorpus.fortunesText(dir));
    }

    @Test
    void realFortunesWhenInstalled() {
        assumeTrue(Files.isDirectory(CharCorpus.FORTUNES_DIR), "fortunes not installed");
        CharCorpus c = CharCorpus.fortunes(CharCorpus.FORTUNES_DIR);
        assertTrue(c.trainTokens().length > 1_000_000);
        assertTrue(c.vocabulary().size() > 60 && c.vocabulary().size() < 300, "vocabulary " + c.vocabulary().size());
    }
}

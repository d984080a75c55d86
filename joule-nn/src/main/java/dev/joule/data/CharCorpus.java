package dev.joule.data;

import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A character-level corpus: the text as token ids, the first 90% for training and the last 10% for
 * validation (split by position, so no validation text leaks into training windows).
 */
public final class CharCorpus {
    public static final Path FORTUNES_DIR = Path.of("/usr/share/games/fortunes");
    public static final double TRAIN_FRACTION = 0.9;

    private final String source;
    private final Vocabulary vocabulary;
    private final int[] train;
    private final int[] validation;

    private CharCorpus(String source, Vocabulary vocabulary, int[] tokens) {
        this.source = source;
        this.vocabulary = vocabulary;
        int cut = (int) (tokens.length * TRAIN_FRACTION);
        this.train = java.util.Arrays.copyOfRange(tokens, 0, cut);
        this.validation = java.util.Arrays.copyOfRange(tokens, cut, tokens.length);
    }

    /** A corpus over {@code text} with the vocabulary of its own characters. */
    public static CharCorpus fromText(String text, String source) {
        return fromText(text, source, Vocabulary.of(text));
    }

    /** A corpus over {@code text} encoded with a given (e.g. a checkpoint's) vocabulary. */
    public static CharCorpus fromText(String text, String source, Vocabulary vocabulary) {
        if (text.isEmpty()) {
            throw new DataFormatException(source + ": the corpus is empty");
        }
        return new CharCorpus(source, vocabulary, vocabulary.encode(text));
    }

    public static CharCorpus fromFile(Path file) {
        return fromText(readUtf8(file), file.toString());
    }

    public static CharCorpus fromFile(Path file, Vocabulary vocabulary) {
        return fromText(readUtf8(file), file.toString(), vocabulary);
    }

    /** The text of the {@code fortunes} package: its plain files (not *.dat, *.u8) concatenated in name order. */
    public static CharCorpus fortunes(Path dir) {
        return fromText(fortunesText(dir), dir.toString());
    }

    public static String fortunesText(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".dat") && !p.getFileName().toString().endsWith(".u8"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            files = List.of();
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("fortunes text not found in " + dir
                    + "; install it with: apt-get install fortunes (or pass --corpus FILE)");
        }
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            sb.append(readUtf8(f));
        }
        return sb.toString();
    }

    /** The text of a UTF-8 file, strictly decoded (a malformed byte is a {@link DataFormatException}). */
    public static String readText(Path file) {
        return readUtf8(file);
    }

    static String readUtf8(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("corpus file " + file + " not found; pass an existing UTF-8 text file with --corpus");
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(file + ": not valid UTF-8 text (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public String source() {
        return source;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public int[] trainTokens() {
        return train.clone();
    }

    public int[] validationTokens() {
        return validation.clone();
    }

    /**
     * Training batches of {@code batchSize} random windows of {@code context + 1} characters (inputs are
     * the first {@code context}, targets the last); window starts come from (seed, epoch, index) alone.
     * An "epoch" is as many batches as it takes to cover the training split once on average.
     */
    public BatchStream trainingWindows(int batchSize, int context, long seed) {
        if (train.length < context + 2) {
            throw new DataFormatException(source + ": training split has " + train.length
                    + " characters, a window of context " + context + " needs at least " + (context + 2)
                    + "; use a longer corpus or a shorter context");
        }
        long perEpoch = Math.max(1, train.length / ((long) batchSize * context));
        return new BatchStream() {
            @Override
            public long batchesPerEpoch() {
                return perEpoch;
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public Batch batch(long epoch, long index) {
                SplittableRandom rng = Seeds.random(seed, epoch, index);
                int[] starts = new int[batchSize];
                for (int b = 0; b < batchSize; b++) {
                    starts[b] = rng.nextInt(train.length - context);
                }
                return windows(train, starts, context);
            }
        };
    }

    /**
     * The whole validation split in non-overlapping windows: every character after the first is
     * predicted exactly once. Full windows are grouped {@code batchSize} at a time; a shorter last
     * window forms its own batch.
     */
    public List<Batch> validationBatches(int context, int batchSize) {
        List<Batch> batches = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int start = 0;
        for (; start + context < validation.length; start += context) {
            starts.add(start);
            if (starts.size() == batchSize) {
                batches.add(windows(validation, starts.stream().mapToInt(i -> i).toArray(), context));
                starts.clear();
            }
        }
        if (!starts.isEmpty()) {
            batches.add(windows(validation, starts.stream().mapToInt(i -> i).toArray(), context));
        }
        int rest = validation.length - 1 - start;
        if (rest > 0) {
            batches.add(windows(validation, new int[] {start}, rest));
        }
        return batches;
    }

    private static Batch windows(int[] tokens, int[] starts, int length) {
        float[] x = new float[starts.length * length];
        int[] y = new int[starts.length * length];
        for (int b = 0; b < starts.length; b++) {
            for (int t = 0; t < length; t++) {
                x[b * length + t] = tokens[starts[b] + t];
                y[b * length + t] = tokens[starts[b] + t + 1];
            }
        }
        return new Batch(Tensor.of(x, starts.length, length), y);
    }
}

package dev.joule.data;

import java.util.SplittableRandom;

/**
 * Selective copying: a run of blanks with {@code k} data symbols scattered in it, a separator, then
 * the model must reproduce the symbols in order (scored only there). Teacher-forced like an LM:
 *
 * <pre>
 * sequence: [ noise region of length L: blanks + k symbols ] SEP s1 s2 ... sk
 * inputs  = sequence[0 .. L+k)      targets = sequence[1 .. L+k], IGNORE before SEP's successor
 * tokens: 0 = blank, 1 = separator, 2.. = the data symbols
 * </pre>
 */
public final class SelectiveCopy extends TokenTask {
    public static final int BLANK = 0;
    public static final int SEPARATOR = 1;

    private final int noiseLength;
    private final int symbolsToCopy;
    private final int numSymbols;

    public SelectiveCopy(int noiseLength, int symbolsToCopy, int numSymbols, long seed, int size) {
        super(seed, size);
        if (symbolsToCopy <= 0 || symbolsToCopy > noiseLength || numSymbols <= 0) {
            throw new IllegalArgumentException("selective copy needs 0 < symbols (" + symbolsToCopy
                    + ") <= noise length (" + noiseLength + ") and a positive alphabet (" + numSymbols + ")");
        }
        this.noiseLength = noiseLength;
        this.symbolsToCopy = symbolsToCopy;
        this.numSymbols = numSymbols;
    }

    /** The default small task: 16 positions, 4 symbols to copy from an alphabet of 8 (vocabulary 10, T 20). */
    public static SelectiveCopy small(long seed, int size) {
        return new SelectiveCopy(16, 4, 8, seed, size);
    }

    @Override
    public int vocabSize() {
        return numSymbols + 2;
    }

    @Override
    public int sequenceLength() {
        return noiseLength + symbolsToCopy;
    }

    @Override
    protected void example(SplittableRandom rng, int[] inputs, int[] targets) {
        int[] seq = new int[noiseLength + 1 + symbolsToCopy];
        int[] symbols = new int[symbolsToCopy];
        // Choose k distinct positions in order: selection sampling keeps them sorted.
        int needed = symbolsToCopy;
        int found = 0;
        for (int pos = 0; pos < noiseLength; pos++) {
            if (rng.nextInt(noiseLength - pos) < needed) {
                int s = 2 + rng.nextInt(numSymbols);
                seq[pos] = s;
                symbols[found++] = s;
                needed--;
            }
        }
        seq[noiseLength] = SEPARATOR;
        System.arraycopy(symbols, 0, seq, noiseLength + 1, symbolsToCopy);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = seq[i];
            targets[i] = i >= noiseLength ? seq[i + 1] : Batch.IGNORE;
        }
    }
}

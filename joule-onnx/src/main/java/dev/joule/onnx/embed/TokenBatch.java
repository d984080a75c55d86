package dev.joule.onnx.embed;

/**
 * Tokenised sentences padded to the longest one: row-major [batch, length] token ids, attention mask
 * (1 for a real token, 0 for padding) and token type ids, as BERT-style encoders take them.
 */
public record TokenBatch(int batch, int length, long[] ids, long[] mask, long[] typeIds) {

    /** The number of real (unpadded) tokens in the batch. */
    public long tokens() {
        long n = 0;
        for (long m : mask) {
            n += m;
        }
        return n;
    }
}

package dev.joule.onnx.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.joule.onnx.OnnxException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} run by the Rust tokenizers library (through DJL, whose jar
 * bundles the native library for Linux, macOS and Windows). Padding is done here, to the longest
 * sentence of each batch, rather than to the fixed length some tokenizer files ask for: padded positions
 * are masked out of the result but not out of the work.
 */
public final class SentenceTokenizer implements AutoCloseable {
    static {
        // The native library is in the DJL jar; offline mode makes DJL fail rather than ever download one.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;

    private SentenceTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
    }

    /** Reads {@code tokenizer.json} from {@code json}; sentences are cut to {@code maxTokens} tokens, specials included. */
    public static SentenceTokenizer load(InputStream json, int maxTokens) {
        // The DJL options override the file's own truncation and padding settings.
        Map<String, String> options = Map.of(
                "padding", "false",
                "truncation", "true",
                "maxLength", Integer.toString(maxTokens));
        try {
            return new SentenceTokenizer(HuggingFaceTokenizer.newInstance(json, options), maxTokens);
        } catch (IOException e) {
            throw new OnnxException("cannot read tokenizer.json: " + e.getMessage(), e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    public TokenBatch encode(List<String> sentences) {
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no sentences to encode");
        }
        Encoding[] enc = tokenizer.batchEncode(sentences);
        int length = 0;
        for (Encoding e : enc) {
            length = Math.max(length, e.getIds().length);
        }
        int batch = enc.length;
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            long[] id = enc[b].getIds();
            long[] m = enc[b].getAttentionMask();
            long[] t = enc[b].getTypeIds();
            System.arraycopy(id, 0, ids, b * length, id.length);
            System.arraycopy(m, 0, mask, b * length, m.length);
            System.arraycopy(t, 0, types, b * length, t.length);
        }
        return new TokenBatch(batch, length, ids, mask, types);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

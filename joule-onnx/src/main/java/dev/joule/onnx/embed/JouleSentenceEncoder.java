package dev.joule.onnx.embed;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.Value;
import dev.joule.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A BERT-style ONNX encoder (inputs input_ids, attention_mask, optional token_type_ids) run by Joule. */
public final class JouleSentenceEncoder implements SentenceEncoder {
    private final OnnxModel model;
    private final SentenceTokenizer tokenizer;
    private final int dimension;
    private final boolean takesTypeIds;
    private final String name;

    public JouleSentenceEncoder(OnnxModel model, SentenceTokenizer tokenizer, int dimension) {
        this(model, tokenizer, dimension, "joule");
    }

    /** {@code name} labels this encoder in tables ("joule int8-weight"). */
    public JouleSentenceEncoder(OnnxModel model, SentenceTokenizer tokenizer, int dimension, String name) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.dimension = dimension;
        this.takesTypeIds = model.inputs().stream().anyMatch(i -> i.name().equals("token_type_ids"));
    }

    /**
     * Embeds {@code sentences}; a batch of different lengths runs as sub-batches of similar length
     * ({@link LengthBuckets}) unless {@code -Djoule.embed.buckets=false}, so little compute goes to padding.
     */
    @Override
    public float[][] embed(List<String> sentences) {
        TokenBatch tokens = tokenizer.encode(sentences);
        int[] lengths = BUCKETS && tokens.batch() > 1 ? LengthBuckets.lengths(tokens) : null;
        if (lengths == null) {
            return pool(model.run(inputs(tokens)).values().iterator().next(), tokens);
        }
        float[][] result = new float[tokens.batch()][];
        for (int[] rows : LengthBuckets.groups(lengths)) {
            TokenBatch part = LengthBuckets.slice(tokens, rows, lengths);
            float[][] e = pool(model.run(inputs(part)).values().iterator().next(), part);
            for (int i = 0; i < rows.length; i++) {
                result[rows[i]] = e[i];
            }
        }
        return result;
    }

    private static final boolean BUCKETS = Boolean.parseBoolean(System.getProperty("joule.embed.buckets", "true"));

    /**
     * Runs {@code sentences} as one batch and returns the intermediate values named in {@code capture}
     * (for calibration; with several sentences of different lengths the padding positions are included).
     */
    public Map<String, Value> capture(List<String> sentences, java.util.Set<String> capture) {
        Map<String, Value> all = model.run(inputs(tokenizer.encode(sentences)), capture);
        Map<String, Value> picked = new HashMap<>();
        capture.forEach(name -> picked.put(name, all.get(name)));
        return picked;
    }

    private Map<String, Value> inputs(TokenBatch tokens) {
        Map<String, Value> in = new HashMap<>();
        int[] shape = {tokens.batch(), tokens.length()};
        in.put("input_ids", IntValue.int64(tokens.ids(), shape));
        in.put("attention_mask", IntValue.int64(tokens.mask(), shape));
        if (takesTypeIds) {
            in.put("token_type_ids", IntValue.int64(tokens.typeIds(), shape));
        }
        return in;
    }

    private float[][] pool(Value out, TokenBatch tokens) {
        if (!(out instanceof FloatValue f) || f.tensor().rank() != 3 || f.tensor().dim(2) != dimension) {
            throw new OnnxException(model.source() + ": first output should be float [batch, tokens, " + dimension
                    + "], got " + out.type() + " " + java.util.Arrays.toString(out.shape()));
        }
        Tensor h = f.tensor();
        return Pooling.meanNormalised(h.data(), h.offset(), tokens, dimension);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String name() {
        return name;
    }

    public OnnxModel model() {
        return model;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

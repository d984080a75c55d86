package dev.joule.onnx.export;

import dev.joule.checkpoint.AtomicFiles;
import dev.joule.models.CnnModel;
import dev.joule.models.MlpModel;
import dev.joule.models.ModelConfig;
import dev.joule.models.TransformerClassifier;
import dev.joule.nn.Model;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.joule.onnx.proto.OnnxProto.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a Joule model to ONNX (f32), for ONNX Runtime or any other ONNX consumer.
 *
 * <pre>{@code
 * OnnxExporter.write(model, Path.of("model.onnx"));      // atomically: temp file, then rename
 * byte[] onnx = OnnxExporter.toBytes(model);
 * }</pre>
 *
 * Supported: the Fashion-MNIST {@code mlp}, {@code cnn} and {@code transformer} classifiers (input
 * {@code input [batch, 28, 28]}, output {@code logits [batch, 10]}). The file uses opset
 * {@value #OPSET} (LayerNormalization is a standard op there) and IR version {@value #IR_VERSION},
 * which ONNX Runtime 1.20 reads; weights are initializers in little-endian {@code raw_data}. The
 * graph is the model in evaluation mode: dropout is left out.
 */
public final class OnnxExporter {
    public static final int OPSET = 17;
    public static final long IR_VERSION = 8;
    public static final String PRODUCER = "joule";

    private OnnxExporter() {}

    /**
     * The ONNX model of {@code model}, whose config is read from the model ({@code mlp},
     * {@code transformer}); an {@link OnnxException} naming the model when it cannot be exported.
     */
    public static ModelProto export(Model model) {
        if (model instanceof MlpModel mlp) {
            return export(model, mlp.config());
        }
        if (model instanceof TransformerClassifier tc) {
            return export(model, tc.config());
        }
        if (model instanceof CnnModel) {
            throw new OnnxException("cannot export CnnModel without its ModelConfig; call export(model, config)");
        }
        throw unsupported(model);
    }

    /** How the linear layers' weights are written. */
    public enum Weights {
        /** f32 initializers. */
        F32,
        /**
         * int8 per output channel (Joule's weight-only int8: symmetric, zero point 0) as int8 initializers
         * followed by DequantizeLinear (QDQ); biases, norms, embeddings' positions and convolutions stay f32.
         */
        INT8_QDQ
    }

    /** The ONNX model of {@code model} built from {@code cfg} (as a checkpoint stores it), f32 weights. */
    public static ModelProto export(Model model, ModelConfig cfg) {
        return export(model, cfg, Weights.F32);
    }

    /** The ONNX model of {@code model} (config read from the model, as {@link #export(Model)}) with {@code weights}. */
    public static ModelProto export(Model model, Weights weights) {
        ModelConfig cfg = model instanceof MlpModel m ? m.config() : model instanceof TransformerClassifier t ? t.config() : null;
        if (cfg == null) {
            return export(model);
        }
        return export(model, cfg, weights);
    }

    /** The ONNX model of {@code model} built from {@code cfg}, its linear weights written as {@code weights}. */
    public static ModelProto export(Model model, ModelConfig cfg, Weights weights) {
        boolean int8 = weights == Weights.INT8_QDQ;
        ModelConfig own = model instanceof MlpModel m ? m.config()
                : model instanceof TransformerClassifier t ? t.config() : cfg;
        if (!own.equals(cfg)) {
            throw new OnnxException("cannot export " + model.getClass().getSimpleName() + ": it was built from " + own
                    + ", not from the config given, " + cfg);
        }
        GraphProto graph;
        if (model instanceof MlpModel) {
            graph = ClassifierGraphs.mlp(cfg, model.namedParameters(), int8);
        } else if (model instanceof CnnModel) {
            graph = ClassifierGraphs.cnn(cfg, model.namedParameters(), int8);
        } else if (model instanceof TransformerClassifier) {
            if (!"transformer".equals(cfg.architecture())) {
                throw new OnnxException("cannot export model '" + cfg.architecture() + "': its TransformerClassifier "
                        + "mixes tokens with a non-dense attention kernel, and only dense attention is exported; "
                        + "export a 'transformer' checkpoint");
            }
            graph = ClassifierGraphs.transformer(cfg, model.namedParameters(), int8);
        } else {
            throw unsupported(model);
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(producerVersion())
                .setDomain("dev.joule")
                .setModelVersion(1)
                .setDocString("Joule " + cfg.architecture() + " for " + cfg.task() + " (" + (int8 ? "int8 weights as QDQ" : "f32")
                        + ", evaluation mode)")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addMetadataProps(entry("joule.architecture", cfg.architecture()))
                .addMetadataProps(entry("joule.task", cfg.task()))
                .addMetadataProps(entry("joule.weights", int8 ? "int8-qdq-per-channel" : "f32"))
                .setGraph(graph)
                .build();
    }

    /** The serialised ONNX file of {@code model}. */
    public static byte[] toBytes(Model model) {
        return export(model).toByteArray();
    }

    /** The serialised ONNX file of {@code model} built from {@code cfg}. */
    public static byte[] toBytes(Model model, ModelConfig cfg) {
        return export(model, cfg).toByteArray();
    }

    /** Writes {@code model} to {@code out} through a temporary file renamed into place; returns the bytes written. */
    public static long write(Model model, Path out) throws IOException {
        byte[] bytes = toBytes(model);
        AtomicFiles.write(out, bytes);
        return bytes.length;
    }

    private static OnnxException unsupported(Model model) {
        return new OnnxException("cannot export " + model.getClass().getSimpleName() + ": ONNX export supports the "
                + "fashion-mnist classifiers 'mlp', 'cnn' and 'transformer' (MlpModel, CnnModel, TransformerClassifier); "
                + "other architectures are not exported yet");
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

package dev.joule.onnx.embed;

import java.util.List;

/** Sentences in, one unit-length embedding per sentence out. */
public interface SentenceEncoder extends AutoCloseable {

    /** The embeddings of {@code sentences}, in order, each of {@link #dimension()} floats. */
    float[][] embed(List<String> sentences);

    int dimension();

    /** A short label for tables: "joule", "onnxruntime". */
    String name();

    @Override
    void close();
}

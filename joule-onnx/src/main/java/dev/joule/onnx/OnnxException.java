package dev.joule.onnx;

/**
 * An ONNX model Joule cannot load or run: a malformed file, an operator Joule lacks, or inputs that
 * do not fit the graph. The message names the thing (file, node, operator, tensor), what was
 * expected and what was found.
 */
public class OnnxException extends RuntimeException {
    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}

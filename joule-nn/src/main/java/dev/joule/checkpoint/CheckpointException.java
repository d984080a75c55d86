package dev.joule.checkpoint;

/** A checkpoint or safetensors file that is missing, malformed, or does not fit the model; the message names the file. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

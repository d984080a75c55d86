package dev.joule.tensor;

/** A tensor's shape does not fit the operation; the message names both shapes. */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}

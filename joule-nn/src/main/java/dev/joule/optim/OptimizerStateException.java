package dev.joule.optim;

/** Saved optimizer state does not fit the parameters it is loaded into. */
public class OptimizerStateException extends RuntimeException {
    public OptimizerStateException(String message) {
        super(message);
    }
}

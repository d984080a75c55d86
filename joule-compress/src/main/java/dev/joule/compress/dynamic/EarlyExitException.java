package dev.joule.compress.dynamic;

/** Early exit cannot be built, run or loaded as asked; the message names the thing, what was expected and the fix. */
public final class EarlyExitException extends RuntimeException {
    public EarlyExitException(String message) {
        super(message);
    }

    public EarlyExitException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.joule.data;

/** A data set that is not installed where it was looked for; the message says how to install it. */
public class DatasetNotFoundException extends RuntimeException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}

package dev.joule.data;

/** A data file that exists but cannot be read as what it claims to be; the message names the file. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.joule.cli;

/** A flag combination the parser accepted but the command cannot use; exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}

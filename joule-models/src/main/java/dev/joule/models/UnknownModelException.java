package dev.joule.models;

import java.util.List;

/** A model name (or name and task pair) the registry cannot build. */
public class UnknownModelException extends RuntimeException {
    public UnknownModelException(String name, List<String> known) {
        super("unknown model '" + name + "'; known models: " + String.join(", ", known));
    }

    public UnknownModelException(String message) {
        super(message);
    }
}

package dev.joule.train;

/** What the model's output means, which decides the loss reshaping and the metrics reported. */
public enum TaskKind {
    /** Output [B, C] logits, one target per example: accuracy and loss. */
    CLASSIFICATION,
    /** Output [B, T, V] logits, one target per position: loss per token, bits per character, accuracy. */
    LANGUAGE_MODEL
}

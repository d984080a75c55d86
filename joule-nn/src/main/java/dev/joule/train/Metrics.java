package dev.joule.train;

/**
 * The result of one evaluation pass.
 *
 * @param loss     mean cross-entropy per scored target, in nats
 * @param accuracy fraction of scored targets whose arg-max logit is right
 * @param targets  number of scored targets
 * @param nanos    wall time of the pass
 */
public record Metrics(double loss, double accuracy, long targets, long nanos) {
    private static final double LN2 = Math.log(2);

    /** Bits per target (per character for a char LM): the loss in base 2. */
    public double bitsPerTarget() {
        return loss / LN2;
    }
}

package dev.joule.compress;

import java.util.Locale;

/**
 * What {@code --prune} asks for: a fraction and a structure, written {@code 0.5}, {@code 0.5:structured},
 * {@code 0.5:2:4} (2:4 fixes the fraction at one half) or {@code 0.8:global}.
 *
 * @param fraction  share of the weights (unstructured) or units (structured) removed, in [0, 1)
 * @param structure how the removed weights are chosen
 */
public record PruneSpec(double fraction, Structure structure) {

    /** How weights are chosen for removal. */
    public enum Structure {
        /** Smallest |w| in each layer. */
        UNSTRUCTURED,
        /** Smallest |w| over every linear layer together. */
        GLOBAL,
        /** Whole neurons, channels and heads of smallest L2 norm; the dense kernels then see smaller matrices. */
        STRUCTURED,
        /** The two largest |w| of every four inputs stay. */
        TWO_OF_FOUR
    }

    public PruneSpec {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("pruning fraction must be in [0, 1), got " + fraction
                    + "; write --prune 0.5 for half the weights");
        }
    }

    /** Parses the {@code --prune} value; the message names the accepted forms. */
    public static PruneSpec parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String number = colon < 0 ? s : s.substring(0, colon);
        String kind = colon < 0 ? "unstructured" : s.substring(colon + 1);
        double fraction;
        try {
            fraction = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--prune '" + spec + "': expected FRACTION[:unstructured|global|structured|2:4],"
                    + " e.g. 0.5:structured");
        }
        Structure structure = switch (kind) {
            case "unstructured" -> Structure.UNSTRUCTURED;
            case "global" -> Structure.GLOBAL;
            case "structured" -> Structure.STRUCTURED;
            case "2:4" -> Structure.TWO_OF_FOUR;
            default -> throw new IllegalArgumentException("--prune '" + spec + "': unknown structure '" + kind
                    + "'; use unstructured, global, structured or 2:4");
        };
        if (structure == Structure.TWO_OF_FOUR && Math.abs(fraction - 0.5) > 1e-9) {
            throw new IllegalArgumentException("--prune '" + spec + "': 2:4 keeps exactly half the weights; write 0.5:2:4");
        }
        return new PruneSpec(fraction, structure);
    }

    /** The spelling {@link #parse} reads. */
    public String label() {
        String kind = switch (structure) {
            case UNSTRUCTURED -> "unstructured";
            case GLOBAL -> "global";
            case STRUCTURED -> "structured";
            case TWO_OF_FOUR -> "2:4";
        };
        return String.format(Locale.ROOT, "%.2f:%s", fraction, kind);
    }
}

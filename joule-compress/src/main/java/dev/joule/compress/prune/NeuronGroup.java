package dev.joule.compress.prune;

import java.util.List;

/**
 * A set of interchangeable units that structured pruning removes whole: the hidden neurons of an MLP, the
 * feed-forward channels or attention heads of one Transformer block, the hidden units of one recurrent layer.
 *
 * <p>Unit {@code u} is <em>produced</em> by some rows of some weights (and bias entries) and <em>consumed</em>
 * by some columns of others. Pruning it zeroes all of them. The consumer columns are what make the unit dead:
 * once every reader of the unit multiplies it by 0, its value no longer matters, so its producer rows can be
 * skipped outright (an LSTM unit whose gate rows are 0 still outputs {@code o·tanh(c) ≠ 0} from its biases,
 * which is why the consumers, not the producers, are the ones that must be complete).
 *
 * @param name      e.g. {@code blocks.0.ff} or {@code layers.1}
 * @param kind      what a unit is: {@code "neuron"}, {@code "channel"}, {@code "head"}, {@code "hidden unit"}
 * @param units     how many units the group has
 * @param producers the rows (or bias entries) each unit's value is computed from
 * @param consumers the columns that read each unit's value
 */
public record NeuronGroup(String name, String kind, int units, List<Span> producers, List<Span> consumers) {
    public NeuronGroup {
        producers = List.copyOf(producers);
        consumers = List.copyOf(consumers);
        if (units < 1) {
            throw new IllegalArgumentException("group '" + name + "' needs at least one unit, got " + units);
        }
    }

    /** Which axis of a parameter a span indexes. */
    public enum Axis {
        /** Rows of a matrix {@code [out, in]}, or entries of a vector {@code [out]}. */
        ROWS,
        /** Columns of a matrix {@code [out, in]}. */
        COLUMNS
    }

    /**
     * The indices of a unit along one axis of {@code param}: unit {@code u} owns indices
     * {@code b·blockStride + u·width + r} for {@code b < blocks}, {@code r < width}. An LSTM layer's gate rows
     * are 4 blocks of stride H and width 1; an attention head's rows are 1 block of width {@code dModel/heads}.
     */
    public record Span(String param, Axis axis, int blocks, int blockStride, int width) {
        public Span {
            if (blocks < 1 || width < 1 || blockStride < 0) {
                throw new IllegalArgumentException("span of '" + param + "' needs blocks >= 1, width >= 1, stride >= 0; got "
                        + blocks + ", " + width + ", " + blockStride);
            }
        }

        /** One index per unit along {@code axis} (plain neurons, channels, hidden units of a single block). */
        public static Span rows(String param) {
            return new Span(param, Axis.ROWS, 1, 0, 1);
        }

        public static Span columns(String param) {
            return new Span(param, Axis.COLUMNS, 1, 0, 1);
        }

        /** The indices unit {@code u} owns, ascending within each block. */
        public int[] indices(int u) {
            int[] out = new int[blocks * width];
            int k = 0;
            for (int b = 0; b < blocks; b++) {
                for (int r = 0; r < width; r++) {
                    out[k++] = b * blockStride + u * width + r;
                }
            }
            return out;
        }
    }
}

package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.Locale;

/** A pointwise non-linearity as a module, so it can sit in a {@link Sequential}. */
public final class Activation extends Module {

    /** The supported functions; {@code GELU} is the exact erf form (PyTorch's default), {@code GELU_TANH} the approximation. */
    public enum Kind {
        RELU, GELU, GELU_TANH, SILU, TANH, SIGMOID, SOFTPLUS;

        /** Parses names like "gelu" or "gelu-tanh". */
        public static Kind parse(String name) {
            String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Kind k : values()) {
                if (k.name().equals(key)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown activation '" + name + "'; known: relu, gelu, gelu-tanh, silu, "
                    + "tanh, sigmoid, softplus");
        }
    }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    public static Activation gelu() {
        return new Activation(Kind.GELU);
    }

    public static Var apply(Kind kind, Var x) {
        return switch (kind) {
            case RELU -> Ops.relu(x);
            case GELU -> Ops.gelu(x);
            case GELU_TANH -> Ops.geluTanh(x);
            case SILU -> Ops.silu(x);
            case TANH -> Ops.tanh(x);
            case SIGMOID -> Ops.sigmoid(x);
            case SOFTPLUS -> Ops.softplus(x);
        };
    }

    @Override
    public Var forward(Var x) {
        return apply(kind, x);
    }

    public Kind kind() {
        return kind;
    }
}

package dev.joule.onnx.ops;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The operators Joule runs, by ONNX op type (default domain), plus Joule's fused ones. */
public final class Operators {
    private static final Map<String, Operator> BY_TYPE = build();

    private Operators() {}

    private static Map<String, Operator> build() {
        Map<String, Operator> ops = new HashMap<>();
        ElementwiseOps.register(ops);
        ShapeOps.register(ops);
        TensorOps.register(ops);
        MathOps.register(ops);
        FusedOps.register(ops);
        QuantOps.register(ops);
        return Collections.unmodifiableMap(ops);
    }

    /** The operator for {@code opType}, or null when Joule lacks it. */
    public static Operator lookup(String opType) {
        return BY_TYPE.get(opType);
    }

    /** Every supported op type, sorted: for error messages and documentation. */
    public static Set<String> supported() {
        Set<String> s = new TreeSet<>(BY_TYPE.keySet());
        s.removeIf(t -> t.startsWith(FusedOps.PREFIX));
        return s;
    }
}

package dev.joule.onnx.ops;

import java.util.Map;

/** Joule's fused operators, which the graph optimiser puts in place of recognised subgraphs. */
public final class FusedOps {
    /** Fused op types start with this prefix, so they can never clash with an ONNX op type. */
    public static final String PREFIX = "joule.";

    private FusedOps() {}

    static void register(Map<String, Operator> ops) {
    }
}

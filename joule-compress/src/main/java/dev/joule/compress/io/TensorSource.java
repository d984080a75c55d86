package dev.joule.compress.io;

import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.RawTensor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The tensors of a compressed checkpoint being loaded, handed out by name and type, remembering which were used. */
final class TensorSource {
    private final String file;
    private final String configFile;
    private final Map<String, RawTensor> tensors;
    private final Set<String> used = new HashSet<>();

    TensorSource(String file, String configFile, Map<String, RawTensor> tensors) {
        this.file = file;
        this.configFile = configFile;
        this.tensors = tensors;
    }

    String file() {
        return file;
    }

    String configFile() {
        return configFile;
    }

    Set<String> used() {
        return used;
    }

    RawTensor get(String name, RawTensor.DType... types) {
        RawTensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(file + ": tensor '" + name + "' is missing although " + configFile
                    + " describes it; the checkpoint is incomplete: re-run joule compress");
        }
        for (RawTensor.DType d : types) {
            if (t.dtype() == d) {
                used.add(name);
                return t;
            }
        }
        throw new CheckpointException(file + ": tensor '" + name + "' has dtype " + t.dtype() + ", expected "
                + java.util.Arrays.toString(types) + "; re-run joule compress");
    }

    byte[] bytes(String name) {
        return get(name, RawTensor.DType.I8, RawTensor.DType.U8).data();
    }

    float[] floats(String name) {
        return get(name, RawTensor.DType.F32).toFloats();
    }

    int[] ints(String name) {
        return get(name, RawTensor.DType.I32).toInts();
    }

    /** Runs a constructor whose argument checks throw IllegalArgumentException, naming the layer and file instead. */
    <T> T check(String layer, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": layer '" + layer + "' does not fit its description in " + configFile
                    + ": " + e.getMessage() + "; re-run joule compress", e);
        }
    }
}

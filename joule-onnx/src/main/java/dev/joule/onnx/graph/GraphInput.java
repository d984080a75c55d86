package dev.joule.onnx.graph;

import dev.joule.onnx.ElementType;
import java.util.Arrays;

/**
 * A declared graph input or output: its name, element type and shape, where a dimension is -1 when
 * the file names it symbolically ("batch_size") or leaves it unknown.
 */
public record GraphInput(String name, ElementType type, int[] dims, String[] dimNames) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(type).append(" [");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] >= 0 ? String.valueOf(dims[i]) : dimNames[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphInput g && g.name.equals(name) && g.type == type && Arrays.equals(g.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}

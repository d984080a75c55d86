package dev.joule.onnx;

import dev.joule.tensor.Tensor;

/** A float tensor value: a Joule {@link Tensor}, which ops never write into once it is a value. */
public record FloatValue(Tensor tensor) implements Value {

    public static FloatValue of(float[] data, int... shape) {
        return new FloatValue(Tensor.of(data, shape));
    }

    @Override
    public int[] shape() {
        return tensor.shape();
    }

    @Override
    public ElementType type() {
        return ElementType.FLOAT;
    }

    @Override
    public int size() {
        return tensor.size();
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return tensor.toArray();
    }
}

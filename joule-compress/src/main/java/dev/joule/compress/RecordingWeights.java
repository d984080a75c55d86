package dev.joule.compress;

import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.LinearWeights;

/**
 * A dense form that notes each call: how many input rows it multiplied and, when a sink is given, the
 * input rows themselves. Probing and calibration attach it for one or more forward passes, then detach it.
 */
final class RecordingWeights implements LinearWeights {
    private final DenseWeights dense;
    private final LinearLayers.InputSink sink;
    private final String name;
    private long rows;
    private long calls;

    RecordingWeights(String name, int out, int in, float[] w, LinearLayers.InputSink sink) {
        this.name = name;
        this.dense = new DenseWeights(out, in, w);
        this.sink = sink;
    }

    @Override
    public int outFeatures() {
        return dense.outFeatures();
    }

    @Override
    public int inFeatures() {
        return dense.inFeatures();
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        this.rows += rows;
        calls++;
        if (sink != null) {
            sink.accept(name, x, xOff, rows, dense.inFeatures());
        }
        dense.multiply(x, xOff, rows, y, yOff);
    }

    long rows() {
        return rows;
    }

    long calls() {
        return calls;
    }

    @Override
    public String format() {
        return "f32 (recording)";
    }

    @Override
    public String kernel() {
        return dense.kernel();
    }

    @Override
    public long storedBytes() {
        return dense.storedBytes();
    }

    @Override
    public long macsPerRow() {
        return dense.macsPerRow();
    }

    @Override
    public float[] toDense() {
        return dense.toDense();
    }
}

package dev.joule.onnx.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.joule.autograd.NoGrad;
import dev.joule.nn.Model;
import dev.joule.onnx.OnnxException;
import dev.joule.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs an exported file in ONNX Runtime beside the Joule model it came from, on the same input, and
 * says how far apart the outputs are: the largest absolute difference and the smallest cosine between
 * corresponding output rows (one row per sample).
 */
public final class ExportCheck {

    /** Agreement over {@code rows} samples of width {@code cols}. */
    public record Agreement(int rows, int cols, double maxAbsDiff, double minCosine) {}

    private ExportCheck() {}

    /** Joule's output for {@code input}, in evaluation mode (dropout off) and without gradients. */
    public static Tensor jouleOutput(Model model, Tensor input) {
        model.setTraining(false);
        try (NoGrad ignored = NoGrad.enter()) {
            return model.forward(input).value();
        }
    }

    /** ONNX Runtime's first output for {@code input} fed to the graph's first input, on one thread. */
    public static float[] ortOutput(byte[] onnx, Tensor input) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[input.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = input.dim(i);
        }
        float[] data = new float[input.size()];
        System.arraycopy(input.data(), input.offset(), data, 0, data.length);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, opts);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
                String name = session.getInputNames().iterator().next();
                try (OrtSession.Result r = session.run(Map.of(name, in))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    float[] out = new float[fb.remaining()];
                    fb.get(out);
                    return out;
                }
            }
        } catch (OrtException e) {
            throw new OnnxException("ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
        }
    }

    /** Exports nothing: compares {@code model} with the already exported {@code onnx} on {@code input}. */
    public static Agreement compare(Model model, byte[] onnx, Tensor input) {
        Tensor joule = jouleOutput(model, input);
        return agreement(joule, ortOutput(onnx, input));
    }

    /** Row-wise agreement of {@code expected [rows, cols]} (as laid out in memory) with {@code actual}. */
    public static Agreement agreement(Tensor expected, float[] actual) {
        if (expected.size() != actual.length) {
            throw new OnnxException("outputs differ in size: Joule " + expected.size() + " values, the exported model "
                    + actual.length);
        }
        int rows = expected.dim(0);
        int cols = expected.size() / Math.max(1, rows);
        float[] e = expected.data();
        int off = expected.offset();
        double maxAbs = 0;
        double minCos = 1;
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double ne = 0;
            double na = 0;
            for (int c = 0; c < cols; c++) {
                double x = e[off + r * cols + c];
                double y = actual[r * cols + c];
                maxAbs = Math.max(maxAbs, Math.abs(x - y));
                dot += x * y;
                ne += x * x;
                na += y * y;
            }
            double cos = ne == 0 && na == 0 ? 1 : dot / Math.sqrt(ne * na);
            minCos = Math.min(minCos, cos);
        }
        return new Agreement(rows, cols, maxAbs, minCos);
    }
}

package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The SSD scan: chunked = sequential recurrence, gradient check in double, step form = whole. */
class SsdOpsTest {

    /** The recurrence S_t = exp(dt·a_h)·S_{t−1} + dt·x_t ⊗ B_t, y_t = S_t·C_t, position by position, in double. */
    static double[] reference(double[] x, double[] dt, double[] a, double[] bIn, double[] c, int batch, int time,
            int heads, int head, int states) {
        int width = heads * head;
        double[] y = new double[batch * time * width];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[] s = new double[head * states];
                for (int t = 0; t < time; t++) {
                    int bt = b * time + t;
                    double step = dt[bt * heads + h];
                    double decay = Math.exp(step * a[h]);
                    for (int p = 0; p < head; p++) {
                        double acc = 0;
                        for (int n = 0; n < states; n++) {
                            int i = p * states + n;
                            s[i] = decay * s[i] + step * x[bt * width + h * head + p] * bIn[bt * states + n];
                            acc += s[i] * c[bt * states + n];
                        }
                        y[bt * width + h * head + p] = acc;
                    }
                }
            }
        }
        return y;
    }

    private static Tensor[] inputs(long seed, int batch, int time, int heads, int head, int states) {
        return new Tensor[] {GradCheck.randn(seed, batch, time, heads * head),
            GradCheck.uniform(seed + 1, 0.05f, 1.5f, batch, time, heads),
            GradCheck.uniform(seed + 2, -2f, -0.2f, heads),
            GradCheck.randn(seed + 3, batch, time, states), GradCheck.randn(seed + 4, batch, time, states)};
    }

    private static Var scan(Tensor[] in, int chunk) {
        return SsdOps.chunkedScan(Var.constant(in[0]), Var.constant(in[1]), Var.constant(in[2]),
                Var.constant(in[3]), Var.constant(in[4]), chunk);
    }

    @Test
    void chunkedEqualsTheSequentialRecurrenceForEveryChunkSize() {
        int batch = 3;
        int time = 37;
        int heads = 2;
        int head = 5;
        int states = 6;
        Tensor[] in = inputs(40, batch, time, heads, head, states);
        double[] expected = reference(GradCheck.toDouble(in[0]), GradCheck.toDouble(in[1]), GradCheck.toDouble(in[2]),
                GradCheck.toDouble(in[3]), GradCheck.toDouble(in[4]), batch, time, heads, head, states);
        for (int chunk : new int[] {1, 4, 8, 10, 37, 64}) {
            float[] y = scan(in, chunk).value().toArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], 1e-4 * (1 + Math.abs(expected[i])), "chunk " + chunk + " element " + i);
            }
        }
    }

    @Test
    void gradientsMatchTheDoubleReferenceAcrossChunks() {
        int batch = 2;
        int time = 7;
        int heads = 2;
        int head = 3;
        int states = 4;
        GradCheck.check("ssd chunk 3", v -> SsdOps.chunkedScan(v[0], v[1], v[2], v[3], v[4], 3),
                v -> reference(v[0], v[1], v[2], v[3], v[4], batch, time, heads, head, states),
                inputs(50, batch, time, heads, head, states));
    }

    @Test
    void gradientsMatchTheDoubleReferenceInOneChunk() {
        int batch = 2;
        int time = 5;
        int heads = 3;
        int head = 2;
        int states = 3;
        GradCheck.check("ssd one chunk", v -> SsdOps.chunkedScan(v[0], v[1], v[2], v[3], v[4]),
                v -> reference(v[0], v[1], v[2], v[3], v[4], batch, time, heads, head, states),
                inputs(60, batch, time, heads, head, states));
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Tensor[] in = inputs(70, 5, 20, 2, 4, 3);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = scan(in, 8).value().toArray();
            Parallel.setThreads(2);
            float[] two = scan(in, 8).value().toArray();
            for (int i = 0; i < one.length; i++) {
                assertEquals(one[i], two[i], 0f, "element " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void stepsEqualTheChunkedForm() {
        int batch = 2;
        int time = 30;
        int heads = 2;
        int head = 4;
        int states = 5;
        Tensor[] in = inputs(80, batch, time, heads, head, states);
        Tensor full = scan(in, 8).value();
        Tensor state = Tensor.zeros(batch, heads, head, states);
        for (int t = 0; t < time; t++) {
            Tensor y = SsdOps.step(at(in[0], t), at(in[1], t), in[2], at(in[3], t), at(in[4], t), state);
            for (int b = 0; b < batch; b++) {
                for (int e = 0; e < heads * head; e++) {
                    assertEquals(full.get(b, t, e), y.get(b, e), 1e-4f, "t=" + t);
                }
            }
        }
    }

    @Test
    void rejectsAWidthThatIsNotHeadsTimesHeadDim() {
        Tensor[] in = inputs(90, 1, 4, 2, 3, 2);
        Tensor badA = Tensor.zeros(4);
        assertThrows(ShapeException.class, () -> SsdOps.chunkedScan(Var.constant(in[0]), Var.constant(in[1]),
                Var.constant(badA), Var.constant(in[3]), Var.constant(in[4])));
    }

    private static Tensor at(Tensor x, int t) {
        return Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), x.shape()[0], x.shape()[2]).value().copy();
    }
}

package dev.joule.optim;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Map;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} (dampening 0):
 *
 * <pre>
 *   g ← g + wd·p
 *   b ← g on the first step, else μ·b + g
 *   p ← p − lr·(g + μ·b)   with Nesterov, else p − lr·b      (p − lr·g when μ = 0)
 * </pre>
 *
 * State: {@code <param>.momentum_buffer} (when μ &gt; 0) and {@code step}.
 */
public final class SGD implements Optimizer {
    private final ParamSlots slots;
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final float[][] buffers;
    private float lr;
    private long step;

    public SGD(Map<String, Var> params, float lr) {
        this(params, lr, 0f, 0f, false);
    }

    public SGD(Map<String, Var> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got " + momentum);
        }
        this.slots = new ParamSlots(params);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = momentum > 0 ? slots.newBuffers() : null;
    }

    @Override
    public void step() {
        boolean first = step == 0;
        step++;
        for (int i = 0; i < slots.size(); i++) {
            Var p = slots.params[i];
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor v = p.value();
            float[] w = v.data();
            float[] gd = g.data();
            int wOff = v.offset();
            int gOff = g.offset();
            int n = v.size();
            if (buffers == null) {
                for (int j = 0; j < n; j++) {
                    w[wOff + j] -= lr * (gd[gOff + j] + weightDecay * w[wOff + j]);
                }
                continue;
            }
            float[] b = buffers[i];
            float keep = first ? 0f : momentum;
            for (int j = 0; j < n; j++) {
                float gj = gd[gOff + j] + weightDecay * w[wOff + j];
                float bj = keep * b[j] + gj;
                b[j] = bj;
                w[wOff + j] -= lr * (nesterov ? gj + momentum * bj : bj);
            }
        }
    }

    @Override
    public void zeroGrad() {
        slots.zeroGrad();
    }

    @Override
    public float learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(float lr) {
        this.lr = lr;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = ParamSlots.newState();
        out.put("step", Tensor.scalar(step));
        if (buffers != null) {
            slots.putBuffers(out, "momentum_buffer", buffers);
        }
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long loaded = (long) ParamSlots.scalar(state, "step");
        if (buffers != null) {
            slots.loadBuffers(state, "momentum_buffer", buffers);
        }
        step = loaded;
    }
}

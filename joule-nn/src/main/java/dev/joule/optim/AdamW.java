package dev.joule.optim;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), as PyTorch's {@code torch.optim.AdamW}:
 *
 * <pre>
 *   p   ← p · (1 − lr·wd)                        (decoupled; Adam's L2 form adds wd·p to g instead)
 *   m   ← β1·m + (1 − β1)·g
 *   v   ← β2·v + (1 − β2)·g²
 *   p   ← p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + ε)
 * </pre>
 *
 * State: {@code <param>.exp_avg}, {@code <param>.exp_avg_sq} and {@code step} (the count t, a float, exact
 * below 2^24 steps).
 */
public final class AdamW implements Optimizer {
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPS = 1e-8f;
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;

    private final ParamSlots slots;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final float[][] expAvg;
    private final float[][] expAvgSq;
    private float lr;
    private long step;

    private AdamW(Map<String, Var> params, float lr, float beta1, float beta2, float eps, float weightDecay,
            boolean decoupled) {
        this.slots = new ParamSlots(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.expAvg = slots.newBuffers();
        this.expAvgSq = slots.newBuffers();
    }

    /** PyTorch {@code AdamW(params, lr)}: betas 0.9/0.999, eps 1e-8, weight decay 0.01. */
    public AdamW(Map<String, Var> params, float lr) {
        this(params, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, true);
    }

    public AdamW(Map<String, Var> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    /** PyTorch {@code Adam(params, lr)}: no weight decay at all. */
    public static AdamW adam(Map<String, Var> params, float lr) {
        return new AdamW(params, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0f, false);
    }

    /** PyTorch {@code Adam(params, lr, weight_decay=l2)}: the decay is added to the gradient (L2), not decoupled. */
    public static AdamW adam(Map<String, Var> params, float lr, float l2) {
        return new AdamW(params, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, l2, false);
    }

    @Override
    public void step() {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        AdamUpdate.Coefficients c = new AdamUpdate.Coefficients(beta1, beta2, eps, stepSize, invSqrtBc2, decay, l2);
        for (int i = 0; i < slots.size(); i++) {
            Var p = slots.params[i];
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor v = p.value();
            AdamUpdate.apply(v.data(), v.offset(), g.data(), g.offset(), expAvg[i], expAvgSq[i], v.size(), c);
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

    public long stepCount() {
        return step;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = ParamSlots.newState();
        out.put("step", Tensor.scalar(step));
        slots.putBuffers(out, "exp_avg", expAvg);
        slots.putBuffers(out, "exp_avg_sq", expAvgSq);
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long loaded = (long) ParamSlots.scalar(state, "step");
        slots.loadBuffers(state, "exp_avg", expAvg);
        slots.loadBuffers(state, "exp_avg_sq", expAvgSq);
        step = loaded;
    }
}

package dev.joule.autograd;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the reverse-mode graph: a value, its gradient, and how to pass a gradient to its parents.
 *
 * <p>Ops build a {@code Var} with {@link #op}: the forward result and a {@link Backward} closure that
 * reads the output gradient and adds into the parents' gradients ({@link #gradBuffer()}). Under
 * {@link NoGrad}, or when no parent needs a gradient, no graph is kept.
 */
public final class Var {

    /** Receives the gradient of the loss with respect to this node's value and accumulates into the parents. */
    @FunctionalInterface
    public interface Backward {
        void run(Tensor gradOut);
    }

    private static final Var[] NO_PARENTS = new Var[0];

    private final Tensor value;
    private final boolean requiresGrad;
    private final Var[] parents;
    private final Backward backward;
    private Tensor grad;
    /** True while {@link #grad} is another node's gradient tensor, taken by {@link #shareGrad}: copy before writing. */
    private boolean gradShared;
    /** An inference form of this weight matrix that {@link Ops#linear} runs when no gradient is recorded; null for none. */
    private LinearWeights inferenceWeights;
    /** Quantization-aware training maps {@link Ops#linear} applies to its input and this weight; null for none. */
    private LinearFakeQuant fakeQuant;

    private Var(Tensor value, boolean requiresGrad, Var[] parents, Backward backward) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.parents = parents;
        this.backward = backward;
    }

    /** A leaf that collects a gradient (a trainable parameter). */
    public static Var param(Tensor value) {
        return new Var(value, true, NO_PARENTS, null);
    }

    /** A leaf without gradient (inputs, targets, masks). */
    public static Var constant(Tensor value) {
        return new Var(value, false, NO_PARENTS, null);
    }

    /**
     * The result of an op. The graph edge is recorded only when gradients are on and some parent needs
     * one; otherwise the result is a constant and {@code backward} is dropped.
     */
    public static Var op(Tensor value, Backward backward, Var... parents) {
        if (!GradMode.isEnabled()) {
            return constant(value);
        }
        for (Var p : parents) {
            if (p.requiresGrad) {
                return new Var(value, true, parents.clone(), backward);
            }
        }
        return constant(value);
    }

    public Tensor value() {
        return value;
    }

    /** The accumulated gradient, or null if none has reached this node. */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public int[] shape() {
        return value.shape();
    }

    /** The gradient tensor, allocated as zeros on first use; ops add into it. */
    public Tensor gradBuffer() {
        if (grad == null) {
            grad = value.zerosLike();
        } else if (gradShared) {
            grad = grad.copy().reshape(value.shape());
            gradShared = false;
        }
        return grad;
    }

    /**
     * Adds {@code g} (this node's shape) into the gradient, taking {@code g} itself, without a copy,
     * when it is the first contribution to an interior node: a residual {@code x + f(x)} then hands
     * its output gradient to both operands for free. The tensor is copied before anything is added
     * to it ({@link #gradBuffer}), so the owner's values never change. Parameters always get their
     * own copy, since optimisers and clipping update their gradients in place.
     */
    void shareGrad(Tensor g) {
        if (grad == null && backward != null && Arrays.equals(g.shape(), value.shape())) {
            grad = g;
            gradShared = true;
            return;
        }
        accumulateGrad(g);
    }

    /** Adds {@code g} (same size as the value) into this node's gradient. */
    public void accumulateGrad(Tensor g) {
        if (g.size() != value.size()) {
            throw new ShapeException("gradient of shape " + Arrays.toString(g.shape())
                    + " for a value of shape " + Arrays.toString(value.shape()));
        }
        if (grad == null) {
            grad = g.copy().reshape(value.shape());
            return;
        }
        float[] d = gradBuffer().data();
        float[] s = g.data();
        int dOff = grad.offset();
        int sOff = g.offset();
        for (int i = 0, n = g.size(); i < n; i++) {
            d[dOff + i] += s[sOff + i];
        }
    }

    public void zeroGrad() {
        grad = null;
        gradShared = false;
    }

    /** Back-propagates from this scalar node, seeding its gradient with 1. */
    public void backward() {
        if (value.size() != 1) {
            throw new ShapeException("backward() without a seed needs a scalar, this value has shape "
                    + Arrays.toString(value.shape()));
        }
        backward(Tensor.full(1f, value.shape()));
    }

    /** Back-propagates from this node with the given seed gradient. */
    public void backward(Tensor seed) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a value that does not depend on any parameter");
        }
        accumulateGrad(seed);
        for (Var v : topologicalOrder()) {
            if (v.backward != null && v.grad != null) {
                v.backward.run(v.grad);
            }
        }
    }

    /** Nodes from this one back to the leaves, each after every node that uses it. Iterative: RNN graphs are deep. */
    private List<Var> topologicalOrder() {
        List<Var> post = new ArrayList<>();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        Deque<Var> nodes = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        nodes.push(this);
        next.push(0);
        seen.put(this, Boolean.TRUE);
        while (!nodes.isEmpty()) {
            Var v = nodes.peek();
            int i = next.pop();
            if (i < v.parents.length) {
                next.push(i + 1);
                Var p = v.parents[i];
                if (p.requiresGrad && seen.put(p, Boolean.TRUE) == null) {
                    nodes.push(p);
                    next.push(0);
                }
            } else {
                nodes.pop();
                post.add(v);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    /**
     * Attaches (or, with null, removes) an inference form of this {@code [out, in]} weight: a quantized,
     * sparse or shrunk matrix that {@link Ops#linear} multiplies by instead of {@link #value()} whenever
     * no gradient is being recorded ({@link NoGrad}). The form must hold the weights the value holds
     * (compression first writes its dequantized matrix into the value), so training, which always reads
     * the f32 value, and inference agree. An optimizer step changes the value but not the form: detach
     * before training again.
     */
    public void setInferenceWeights(LinearWeights form) {
        if (form != null) {
            int[] s = value.shape();
            if (s.length != 2 || s[0] != form.outFeatures() || s[1] != form.inFeatures()) {
                throw new ShapeException("inference weights [" + form.outFeatures() + ", " + form.inFeatures()
                        + "] (" + form.format() + ") do not fit the weight " + Arrays.toString(s)
                        + "; build the form from this weight's own matrix");
            }
        }
        this.inferenceWeights = form;
    }

    /** The attached inference form, or null when linear runs the f32 value. */
    public LinearWeights inferenceWeights() {
        return inferenceWeights;
    }

    /**
     * Attaches (or, with null, removes) quantization-aware training maps to this {@code [out, in]}
     * weight: {@link Ops#linear} then multiplies {@code fq.input(x)} by {@code fq.weight(this)} instead
     * of {@code x} by this value, in training and (when no inference form is attached) in evaluation.
     */
    public void setFakeQuant(LinearFakeQuant fq) {
        if (fq != null && value.shape().length != 2) {
            throw new ShapeException("fake quantization applies to a [out, in] weight, this value has shape "
                    + Arrays.toString(value.shape()));
        }
        this.fakeQuant = fq;
    }

    /** The attached quantization-aware training maps, or null. */
    public LinearFakeQuant fakeQuant() {
        return fakeQuant;
    }

    @Override
    public String toString() {
        return "Var" + Arrays.toString(value.shape()) + (requiresGrad ? " (grad)" : "");
    }
}

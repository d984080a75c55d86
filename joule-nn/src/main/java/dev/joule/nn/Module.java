package dev.joule.nn;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every layer: owns parameters and sub-modules, names them by dotted path, and carries the
 * training flag down the tree.
 *
 * <p>Parameters and children are kept in one ordered map so that {@link #namedParameters()} lists them
 * exactly in the order the constructor registered them; that order is the checkpoint order.
 */
public abstract class Module {
    private final Map<String, Object> entries = new LinkedHashMap<>();
    private boolean training = true;

    /** Applies the layer to a whole batch. */
    public abstract Var forward(Var x);

    /** Registers a sub-module under {@code name} and returns it, so fields can be assigned inline. */
    protected <T extends Module> T register(String name, T child) {
        claim(name, child);
        child.setTraining(training);
        return child;
    }

    /** Registers {@code init} as a trainable parameter named {@code name} and returns its leaf. */
    protected Var param(String name, Tensor init) {
        Var p = Var.param(init);
        claim(name, p);
        return p;
    }

    private void claim(String name, Object entry) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module entry name '" + name + "' must be non-empty and without '.'");
        }
        if (entries.putIfAbsent(name, entry) != null) {
            throw new IllegalArgumentException("module " + getClass().getSimpleName() + " already has an entry '"
                    + name + "'; register each parameter or child once");
        }
    }

    /** All parameters of this module and its descendants, by dotted path, in registration order. */
    public Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Var> out) {
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            String path = prefix + e.getKey();
            if (e.getValue() instanceof Var v) {
                out.put(path, v);
            } else {
                ((Module) e.getValue()).collect(path + ".", out);
            }
        }
    }

    /** Switches this module and every descendant between training (dropout on) and evaluation. */
    public void setTraining(boolean training) {
        this.training = training;
        for (Object e : entries.values()) {
            if (e instanceof Module m) {
                m.setTraining(training);
            }
        }
    }

    public boolean isTraining() {
        return training;
    }

    public long parameterCount() {
        long n = 0;
        for (Var p : namedParameters().values()) {
            n += p.value().size();
        }
        return n;
    }
}

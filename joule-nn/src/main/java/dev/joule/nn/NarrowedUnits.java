package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;

/**
 * Inference through the units structured pruning removed from a module: feed-forward channels, attention
 * heads. Such a module has <em>producers</em> — matrices whose output rows are the units ({@code ff.up};
 * {@code attn.q, k, v}) — and one <em>consumer</em> that reads them ({@code ff.down}; {@code attn.out}).
 * When every producer's inference form is shrunk to the same kept rows (all columns kept) and the consumer's
 * to exactly those columns (all rows kept), the module computes the narrow inner activations directly:
 *
 * <pre>
 *   per matrix:  x --gather--> small product --scatter zeros into the pruned units--> [.., units]   (ShrunkWeights)
 *   narrowed:    x -------->  small product  [.., kept]  --(GELU, attention: on kept units only)--> small product
 * </pre>
 *
 * No zeros are scattered or gathered, and whatever runs between the matrices (the activation, the attention
 * over the kept heads) sees only the kept units. The result equals the per-matrix one up to float summation
 * order for any weights: a pruned unit's consumer column is zero in the consumer's form, so whatever the
 * unit held (its bias, say) added nothing there either.
 *
 * <p>A narrowing is tied to the forms it was read from: {@link #matches} checks them by identity, so a
 * module re-reads it only when forms are attached or replaced.
 */
final class NarrowedUnits {
    private final LinearWeights[] producerForms;
    private final LinearWeights consumerForm;
    /** The kept units, ascending; null when the forms do not describe one narrowing. */
    private final int[] kept;

    private NarrowedUnits(LinearWeights[] producerForms, LinearWeights consumerForm, int[] kept) {
        this.producerForms = producerForms;
        this.consumerForm = consumerForm;
        this.kept = kept;
    }

    /**
     * What the forms attached to {@code producers} and {@code consumer} describe; null when the consumer has no
     * form (the common case, checked first). {@link #active()} says whether they describe a narrowing.
     */
    static NarrowedUnits read(Linear consumer, Linear... producers) {
        LinearWeights c = consumer.weight().inferenceWeights();
        if (c == null) {
            return null;
        }
        LinearWeights[] forms = new LinearWeights[producers.length];
        for (int i = 0; i < producers.length; i++) {
            forms[i] = producers[i].weight().inferenceWeights();
        }
        return new NarrowedUnits(forms, c, keptUnits(forms, c));
    }

    private static int[] keptUnits(LinearWeights[] producers, LinearWeights consumer) {
        ShrunkWeights c = consumer.shrunk();
        if (c == null || c.keptRowCount() != c.outFeatures() || c.keptColCount() == 0) {
            return null;
        }
        int[] kept = c.keptCols();
        for (LinearWeights p : producers) {
            ShrunkWeights s = p == null ? null : p.shrunk();
            if (s == null || s.keptColCount() != s.inFeatures() || !s.keepsRows(kept)) {
                return null;
            }
        }
        return kept;
    }

    /** The same forms, read as no narrowing (a module found the kept units unusable, e.g. not whole heads). */
    static NarrowedUnits inactive(NarrowedUnits n) {
        return new NarrowedUnits(n.producerForms, n.consumerForm, null);
    }

    /** Whether these are still the forms attached to {@code producers} and {@code consumer}. */
    boolean matches(Linear consumer, Linear... producers) {
        if (consumer.weight().inferenceWeights() != consumerForm) {
            return false;
        }
        for (int i = 0; i < producers.length; i++) {
            if (producers[i].weight().inferenceWeights() != producerForms[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the forms describe a narrowing (else the module runs each matrix through its own form). */
    boolean active() {
        return kept != null;
    }

    /** The kept units, ascending (the array itself: do not change it). */
    int[] kept() {
        return kept;
    }

    /** Producer {@code i}'s kept outputs {@code [..., kept]} of {@code x}, with the kept units' bias entries. */
    Var produce(int i, Var x, Linear producer) {
        Var b = producer.bias();
        float[] bias = null;
        if (b != null) {
            float[] all = b.value().toArray();
            bias = new float[kept.length];
            for (int u = 0; u < kept.length; u++) {
                bias[u] = all[kept[u]];
            }
        }
        return Ops.linearForm(x, producerForms[i].shrunk().small(), bias);
    }

    /** The consumer applied to the narrow activations {@code [..., kept]}: its full output {@code [..., out]}. */
    Var consume(Var narrow, Linear consumer) {
        Var b = consumer.bias();
        return Ops.linearForm(narrow, consumerForm.shrunk().small(), b == null ? null : b.value().toArray());
    }
}

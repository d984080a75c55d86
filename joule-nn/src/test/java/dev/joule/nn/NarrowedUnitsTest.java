package dev.joule.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A module whose units were pruned and whose matrices carry shrunk forms computes only the kept units, and
 * gives what the dense masked module gives.
 */
class NarrowedUnitsTest {
    private static final int D = 16;

    @Test
    void feedForwardRunsOnlyTheKeptChannelsAndMatchesTheMaskedDenseModule() {
        FeedForward ff = new FeedForward(D, 24, Activation.Kind.GELU, new SplittableRandom(1));
        Var up = ff.namedParameters().get("up.weight");
        Var down = ff.namedParameters().get("down.weight");
        int[] kept = {0, 3, 4, 5, 9, 10, 17, 23};
        // The bias of a pruned channel stays non-zero: its consumer column is zero, so it must add nothing.
        zeroRowsExcept(up, kept);
        zeroColsExcept(down, kept);
        Tensor x = random(new SplittableRandom(2), 3, 5, D);

        Tensor expected = forwardNoGrad(ff, x);
        shrink(up, kept, all(D));
        shrink(down, all(D), kept);
        Tensor actual = forwardNoGrad(ff, x);

        assertTrue(ff.narrowed().active(), "up's kept rows equal down's kept columns: the channels are narrowed");
        assertArrayEquals(kept, ff.narrowed().kept());
        assertArrayEquals(expected.toArray(), actual.toArray(), 1e-5f);
    }

    @Test
    void feedForwardFallsBackToPerMatrixFormsWhenTheKeptSetsDiffer() {
        FeedForward ff = new FeedForward(D, 24, Activation.Kind.GELU, new SplittableRandom(3));
        Var up = ff.namedParameters().get("up.weight");
        Var down = ff.namedParameters().get("down.weight");
        int[] upKept = {1, 2, 3, 20};
        int[] downKept = {1, 2, 3, 20, 21};
        zeroRowsExcept(up, upKept);
        zeroColsExcept(down, downKept);
        Tensor x = random(new SplittableRandom(4), 2, 3, D);
        Tensor expected = forwardNoGrad(ff, x);
        shrink(up, upKept, all(D));
        shrink(down, all(D), downKept);

        Tensor actual = forwardNoGrad(ff, x);

        assertFalse(ff.narrowed().active());
        assertArrayEquals(expected.toArray(), actual.toArray(), 1e-5f);
    }

    @Test
    void attentionAttendsOnlyTheKeptHeadsAndMatchesTheMaskedDenseModule() {
        int heads = 4;
        int dh = D / heads;
        MultiHeadAttention attn = new MultiHeadAttention(D, heads, false, new SplittableRandom(5));
        int[] kept = concat(range(1 * dh, 2 * dh), range(3 * dh, 4 * dh));
        for (String p : new String[] {"q", "k", "v"}) {
            randomize(param(attn, p + ".bias"), new SplittableRandom(p.hashCode()));
        }
        pruneHeadRows(attn, kept);
        Tensor x = random(new SplittableRandom(6), 2, 7, D);

        Tensor expected = forwardNoGrad(attn, x);
        shrinkHeadRows(attn, kept);
        Tensor actual = forwardNoGrad(attn, x);

        assertTrue(attn.narrowed().active(), "two whole heads kept in q, k, v and out");
        assertArrayEquals(expected.toArray(), actual.toArray(), 1e-5f);
    }

    @Test
    void attentionKeepsEveryHeadWhenTheKeptRowsSplitAHead() {
        MultiHeadAttention attn = new MultiHeadAttention(D, 4, false, new SplittableRandom(7));
        int[] kept = range(2, 10); // half of head 0, all of head 1, half of head 2
        pruneHeadRows(attn, kept);
        Tensor x = random(new SplittableRandom(8), 1, 5, D);
        Tensor expected = forwardNoGrad(attn, x);
        shrinkHeadRows(attn, kept);

        Tensor actual = forwardNoGrad(attn, x);

        assertFalse(attn.narrowed().active(), "rows of a split head are not a narrowing of whole heads");
        assertArrayEquals(expected.toArray(), actual.toArray(), 1e-5f);
    }

    @Test
    void trainingIgnoresTheFormsAndDetachingEndsTheNarrowing() {
        FeedForward ff = new FeedForward(D, 8, Activation.Kind.GELU, new SplittableRandom(9));
        Var up = ff.namedParameters().get("up.weight");
        Var down = ff.namedParameters().get("down.weight");
        int[] kept = {0, 1, 2};
        zeroRowsExcept(up, kept);
        zeroColsExcept(down, kept);
        shrink(up, kept, all(D));
        shrink(down, all(D), kept);
        Var x = Var.param(random(new SplittableRandom(10), 2, D));

        Var y = ff.forward(x);
        Ops.sumAll(y).backward();

        assertTrue(x.grad() != null, "with gradients recorded the module runs its f32 values, differentiably");
        up.setInferenceWeights(null);
        down.setInferenceWeights(null);
        try (NoGrad ignored = NoGrad.enter()) {
            ff.forward(Var.constant(x.value()));
        }
        assertNull(ff.narrowed(), "no forms attached: nothing to narrow");
    }

    @Test
    void linearFormRefusesToRunWhileGradientsAreRecorded() {
        Var x = Var.constant(Tensor.zeros(2, 3));
        DenseWeights w = new DenseWeights(4, 3, new float[12]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ops.linearForm(x, w, null));
        assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
    }

    /** Zeroes every row of q, k, v and every column of out outside {@code kept}. */
    private static void pruneHeadRows(MultiHeadAttention attn, int[] kept) {
        for (String p : new String[] {"q", "k", "v"}) {
            zeroRowsExcept(param(attn, p + ".weight"), kept);
        }
        zeroColsExcept(param(attn, "out.weight"), kept);
    }

    /** Attaches shrunk forms keeping {@code kept} rows of q, k, v and {@code kept} columns of out. */
    private static void shrinkHeadRows(MultiHeadAttention attn, int[] kept) {
        for (String p : new String[] {"q", "k", "v"}) {
            shrink(param(attn, p + ".weight"), kept, all(D));
        }
        shrink(param(attn, "out.weight"), all(D), kept);
    }

    private static Var param(Module m, String name) {
        return m.namedParameters().get(name);
    }

    private static Tensor forwardNoGrad(Module m, Tensor x) {
        try (NoGrad ignored = NoGrad.enter()) {
            return m.forward(Var.constant(x)).value().copy();
        }
    }

    private static void shrink(Var weight, int[] rows, int[] cols) {
        int[] s = weight.shape();
        weight.setInferenceWeights(ShrunkWeights.of(weight.value().toArray(), s[0], s[1], rows, cols));
    }

    private static void zeroRowsExcept(Var w, int[] kept) {
        float[] d = w.value().data();
        int cols = w.shape()[1];
        for (int r = 0; r < w.shape()[0]; r++) {
            if (!contains(kept, r)) {
                java.util.Arrays.fill(d, w.value().offset() + r * cols, w.value().offset() + (r + 1) * cols, 0f);
            }
        }
    }

    private static void zeroColsExcept(Var w, int[] kept) {
        float[] d = w.value().data();
        int cols = w.shape()[1];
        for (int r = 0; r < w.shape()[0]; r++) {
            for (int c = 0; c < cols; c++) {
                if (!contains(kept, c)) {
                    d[w.value().offset() + r * cols + c] = 0f;
                }
            }
        }
    }

    private static void randomize(Var bias, SplittableRandom rnd) {
        float[] b = bias.value().data();
        for (int i = 0; i < bias.value().size(); i++) {
            b[bias.value().offset() + i] = (float) (rnd.nextDouble() - 0.5);
        }
    }

    private static boolean contains(int[] a, int v) {
        return IntStream.of(a).anyMatch(x -> x == v);
    }

    private static int[] all(int n) {
        return range(0, n);
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    private static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return t;
    }
}

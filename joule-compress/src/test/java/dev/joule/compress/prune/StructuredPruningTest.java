package dev.joule.compress.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.compress.prune.NeuronGroup.Axis;
import dev.joule.compress.prune.NeuronGroup.Span;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.rnn.RecurrentNetwork;
import dev.joule.models.rnn.RecurrentState;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StructuredPruningTest {
    private static final long SEED = 11;

    /** Small token-task shapes (hidden set explicitly, so the recurrent defaults keep 2 layers). */
    private static ModelConfig tokens(String arch) {
        return new ModelConfig(arch, ModelConfig.CHAR_LM, 0, 6, 17, 17, 12, 2, 2, 24, 20, 0f);
    }

    static List<ModelConfig> configs() {
        return List.of(ModelConfig.fashionMnist("mlp"), ModelConfig.fashionMnist("transformer"),
                ModelConfig.fashionMnist("lstm"), ModelConfig.fashionMnist("gru"), ModelConfig.fashionMnist("mingru"),
                tokens("lstm"), tokens("gru"), tokens("minlstm"), tokens("transformer"));
    }

    private static Tensor input(ModelConfig c) {
        SplittableRandom rng = new SplittableRandom(5);
        int batch = 3;
        if (ModelConfig.FASHION_MNIST.equals(c.task())) {
            float[] x = new float[batch * 28 * 28];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble();
            }
            return Tensor.of(x, batch, 28, 28);
        }
        float[] ids = new float[batch * c.seqLen()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(c.vocabSize());
        }
        return Tensor.of(ids, batch, c.seqLen());
    }

    private static float[] infer(Model m, Tensor x) {
        m.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            return m.forward(x).value().toArray();
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= bound,
                    what + ": output " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void theShrunkModelComputesTheMaskedDenseModel(ModelConfig c) {
        Tensor x = input(c);
        Model model = ModelRegistry.create(c, SEED);
        float[] unpruned = infer(model, x);
        StructuredPruning.Result r = StructuredPruning.prune(model, 0.5);
        float[] masked = infer(model, x);
        assertTrue(!Arrays.equals(unpruned, masked), "pruning half the units must change the outputs");
        assertTrue(r.plan().keptMacFraction() < 0.75, "plan keeps " + r.plan().keptMacFraction() + " of the MACs");

        ShrunkForms.attach(model, r.plan());
        float[] shrunk = infer(model, x);
        assertClose(masked, shrunk, 1e-5, c.architecture() + " " + c.task() + " shrunk vs masked dense");

        ShrunkForms.detach(model, r.plan());
        // not bit-for-bit: the dense kernel's thread split may differ from call to call
        assertClose(masked, infer(model, x), 1e-6, c.architecture() + ": detached forms run the dense values again");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void prunedUnitsAreDeadWhateverTheirProducerRowsHold(ModelConfig c) {
        Tensor x = input(c);
        Model model = ModelRegistry.create(c, SEED);
        List<NeuronGroup> groups = NeuronGroups.of(model);
        StructuredPruning.Result r = StructuredPruning.prune(model, groups, 0.5);
        float[] masked = infer(model, x);
        // Write noise into every producer row and bias entry of every pruned unit: the outputs must not move,
        // which is what lets the shrunk form skip those rows.
        Map<String, Var> params = model.namedParameters();
        SplittableRandom rng = new SplittableRandom(9);
        for (NeuronGroup g : groups) {
            for (int u : r.prunedUnits().get(g.name())) {
                for (Span s : g.producers()) {
                    Var p = params.get(s.param());
                    int cols = p.shape().length == 2 ? p.shape()[1] : 1;
                    float[] d = p.value().data();
                    for (int row : s.indices(u)) {
                        for (int col = 0; col < cols; col++) {
                            d[p.value().offset() + row * cols + col] = (float) rng.nextGaussian();
                        }
                    }
                }
            }
        }
        assertClose(masked, infer(model, x), 1e-6, c.architecture() + " " + c.task() + " with noisy dead rows");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recurrentTokenConfigs")
    void streamingStepsWithShrunkFormsMatchTheMaskedDenseSteps(ModelConfig c) {
        RecurrentNetwork model = (RecurrentNetwork) ModelRegistry.create(c, SEED);
        StructuredPruning.Result r = StructuredPruning.prune(model, 0.4);
        Tensor ids = input(c);
        float[] dense = steps(model, ids);
        ShrunkForms.attach(model, r.plan());
        assertClose(dense, steps(model, ids), 1e-5, c.architecture() + " step by step");
    }

    static List<ModelConfig> recurrentTokenConfigs() {
        return List.of(tokens("lstm"), tokens("gru"), tokens("mingru"));
    }

    /** Every step's logits, concatenated. */
    private static float[] steps(RecurrentNetwork model, Tensor ids) {
        int batch = ids.dim(0);
        int time = ids.dim(1);
        float[] out = new float[0];
        try (NoGrad g = NoGrad.enter()) {
            RecurrentState state = model.initialState(batch);
            for (int t = 0; t < time; t++) {
                float[] col = new float[batch];
                for (int b = 0; b < batch; b++) {
                    col[b] = ids.get(b, t);
                }
                float[] logits = model.step(state, Tensor.of(col, batch)).value().toArray();
                float[] grown = Arrays.copyOf(out, out.length + logits.length);
                System.arraycopy(logits, 0, grown, out.length, logits.length);
                out = grown;
            }
        }
        return out;
    }

    @Test
    void groupsCanBeChosenByKindSoATransformerKeepsEveryHead() {
        Model t = ModelRegistry.create(ModelConfig.fashionMnist("transformer"), SEED);
        List<NeuronGroup> channels = NeuronGroups.of(t, "channel");
        assertEquals(List.of("blocks.0.ff", "blocks.1.ff"), channels.stream().map(NeuronGroup::name).toList());
        StructuredPruning.Result r = StructuredPruning.prune(t, channels, 0.5);
        assertTrue(r.plan().layers().keySet().stream().noneMatch(n -> n.contains("attn")), r.plan().toString());
        assertThrows(IllegalArgumentException.class, () -> NeuronGroups.of(t, "hidden unit"));
    }

    @Test
    void mlpPlanHalvesTheHiddenLayer() {
        Model mlp = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), SEED);
        StructuredPruning.Result r = StructuredPruning.prune(mlp, 0.5);
        ShrinkPlan.Shrink fc1 = r.plan().layers().get("fc1.weight");
        ShrinkPlan.Shrink fc2 = r.plan().layers().get("fc2.weight");
        assertEquals(128, fc1.keptRows().length);
        assertEquals(784, fc1.keptCols().length);
        assertEquals(10, fc2.keptRows().length);
        assertEquals(128, fc2.keptCols().length);
        assertArrayEquals(fc1.keptRows(), fc2.keptCols());
        assertEquals(2, r.plan().layers().size());
        assertEquals(0.5, r.masks().sparsity().get("fc1.bias"), 0);
        assertEquals(0.5, r.plan().keptMacFraction(), 1e-12);
    }

    @Test
    void lstmPlanDropsTheUnitsRowInEveryGateAndItsConsumerColumns() {
        Model lstm = ModelRegistry.create(ModelConfig.fashionMnist("lstm"), SEED);
        StructuredPruning.Result r = StructuredPruning.prune(lstm, 0.25);
        int[] pruned = r.prunedUnits().get("layers.0");
        assertEquals(32, pruned.length);
        ShrinkPlan.Shrink ih = r.plan().layers().get("layers.0.weight_ih");
        ShrinkPlan.Shrink hh = r.plan().layers().get("layers.0.weight_hh");
        assertEquals(4 * 96, ih.keptRows().length);
        assertEquals(28, ih.keptCols().length);
        assertEquals(4 * 96, hh.keptRows().length);
        assertEquals(96, hh.keptCols().length);
        assertEquals(96, r.plan().layers().get("head.weight").keptCols().length);
        int j = pruned[0];
        for (int gate = 0; gate < 4; gate++) {
            int row = gate * 128 + j;
            assertTrue(Arrays.stream(hh.keptRows()).noneMatch(k -> k == row), "gate " + gate + " row of unit " + j);
        }
    }

    @Test
    void transformerPrunesWholeHeadsAndHalfTheChannels() {
        Model t = ModelRegistry.create(ModelConfig.fashionMnist("transformer"), SEED);
        StructuredPruning.Result r = StructuredPruning.prune(t, 0.5);
        assertEquals(2, r.prunedUnits().get("blocks.0.attn").length);
        assertEquals(64, r.prunedUnits().get("blocks.1.ff").length);
        ShrinkPlan.Shrink q = r.plan().layers().get("blocks.0.attn.q.weight");
        ShrinkPlan.Shrink out = r.plan().layers().get("blocks.0.attn.out.weight");
        assertEquals(32, q.keptRows().length);
        assertEquals(64, q.keptCols().length);
        assertArrayEquals(q.keptRows(), out.keptCols());
        // a kept head keeps its 16 consecutive rows
        int[] rows = q.keptRows();
        for (int i = 0; i < rows.length; i += 16) {
            assertEquals(0, rows[i] % 16);
            assertEquals(rows[i] + 15, rows[i + 15]);
        }
        assertEquals(64, r.plan().layers().get("blocks.1.ff.down.weight").keptCols().length);
    }

    @Test
    void theUnitsOfSmallestNormGoFirst() {
        Model mlp = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), SEED);
        Map<String, Var> p = mlp.namedParameters();
        float[] fc1 = p.get("fc1.weight").value().data();
        int[] weak = {3, 200, 17};
        for (int u : weak) {
            for (int c = 0; c < 784; c++) {
                fc1[u * 784 + c] *= 1e-3f;
            }
        }
        List<NeuronGroup> groups = NeuronGroups.of(mlp);
        double strong = StructuredPruning.unitNorm(p, groups.get(0), 4);
        assertTrue(StructuredPruning.unitNorm(p, groups.get(0), 3) < strong);
        StructuredPruning.Result r = StructuredPruning.prune(mlp, 3 / 256.0);
        assertArrayEquals(new int[] {3, 17, 200}, r.prunedUnits().get("fc1"));
    }

    @Test
    void atLeastOneUnitStaysAndBadInputIsRefused() {
        Model mlp = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), SEED);
        NeuronGroup tiny = new NeuronGroup("fc2", "neuron", 10, List.of(Span.rows("fc2.weight")), List.of());
        StructuredPruning.Result r = StructuredPruning.prune(mlp, List.of(tiny), 0.99);
        assertEquals(9, r.prunedUnits().get("fc2").length);
        assertThrows(IllegalArgumentException.class, () -> StructuredPruning.prune(mlp, 1.0));
        NeuronGroup wrong = new NeuronGroup("x", "neuron", 300, List.of(Span.rows("fc2.weight")), List.of());
        assertThrows(IllegalStateException.class, () -> StructuredPruning.prune(mlp, List.of(wrong), 0.5));
        NeuronGroup missing = new NeuronGroup("x", "neuron", 2, List.of(new Span("nope", Axis.ROWS, 1, 0, 1)), List.of());
        assertThrows(IllegalStateException.class, () -> StructuredPruning.prune(mlp, List.of(missing), 0.5));
    }

    @Test
    void attachingRefusesWeightsWhoseDroppedRowsWereNotZeroed() {
        Model mlp = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), SEED);
        StructuredPruning.Result r = StructuredPruning.prune(mlp, 0.5);
        int dropped = r.prunedUnits().get("fc1")[0];
        mlp.namedParameters().get("fc1.weight").value().data()[dropped * 784] = 1f;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ShrunkForms.attach(mlp, r.plan()));
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    }
}

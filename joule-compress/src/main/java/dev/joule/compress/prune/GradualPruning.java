package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.MagnitudePruning.Scope;
import dev.joule.train.TrainingListener;
import dev.joule.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gradual magnitude pruning during training (Zhu &amp; Gupta 2017, arXiv 1710.01878): the sparsity rises from
 * {@code s_i} to {@code s_f} over {@code n} pruning steps, every {@code Δt} optimizer steps from {@code t0},
 *
 * <pre>
 *   s_t = s_f + (s_i − s_f) · (1 − (t − t0) / (n·Δt))³        t ∈ {t0, t0 + Δt, …, t0 + n·Δt}
 * </pre>
 *
 * fast at first, while many weights are redundant, and slower near the end. At each pruning step the masks
 * are recomputed by magnitude ({@link MagnitudePruning#unstructured}; already-pruned zeros rank lowest, so
 * masks only grow), and after every optimizer step the current masks are applied again, so pruned weights
 * do not regrow. {@code t} is the trainer's step count (1 after the first optimizer step).
 */
public final class GradualPruning implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(GradualPruning.class);

    private final Map<String, Var> weights;
    private final DoubleFunction<PruningMasks> masksAt;
    private final double initialSparsity;
    private final double finalSparsity;
    private final long beginStep;
    private final long frequency;
    private final int pruningSteps;
    private PruningMasks masks = PruningMasks.empty();
    private double currentSparsity;

    /**
     * @param weights         the matrices to prune (not embeddings or the classifier head, by usual practice)
     * @param initialSparsity {@code s_i} ∈ [0, 1)
     * @param finalSparsity   {@code s_f} ∈ [s_i, 1)
     * @param beginStep       {@code t0}, the first pruning step (≥ 0)
     * @param frequency       {@code Δt}, optimizer steps between pruning steps (≥ 1)
     * @param pruningSteps    {@code n}, the number of increments (≥ 1); the schedule ends at {@code t0 + n·Δt}
     */
    public GradualPruning(Map<String, Var> weights, double initialSparsity, double finalSparsity, long beginStep,
            long frequency, int pruningSteps, Scope scope) {
        this(weights, s -> MagnitudePruning.unstructured(weights, s, scope), initialSparsity, finalSparsity, beginStep,
                frequency, pruningSteps);
    }

    /**
     * The same schedule over whole units: at each pruning step {@link StructuredPruning#prune} removes the fraction
     * {@code s_t} of each group's units (already-removed units have norm 0, so they stay removed). Build the
     * {@link ShrinkPlan} from {@link #masks()} after training.
     */
    public static GradualPruning structured(Model model, List<NeuronGroup> groups, double initialFraction,
            double finalFraction, long beginStep, long frequency, int pruningSteps) {
        return new GradualPruning(model.namedParameters(), s -> StructuredPruning.prune(model, groups, s).masks(),
                initialFraction, finalFraction, beginStep, frequency, pruningSteps);
    }

    private GradualPruning(Map<String, Var> weights, DoubleFunction<PruningMasks> masksAt, double initialSparsity,
            double finalSparsity, long beginStep, long frequency, int pruningSteps) {
        if (!(initialSparsity >= 0 && initialSparsity <= finalSparsity && finalSparsity < 1)) {
            throw new IllegalArgumentException("gradual pruning needs 0 <= initial <= final < 1, got " + initialSparsity
                    + " and " + finalSparsity);
        }
        if (beginStep < 0 || frequency < 1 || pruningSteps < 1) {
            throw new IllegalArgumentException("gradual pruning needs beginStep >= 0, frequency >= 1, pruningSteps >= 1;"
                    + " got " + beginStep + ", " + frequency + ", " + pruningSteps);
        }
        this.weights = new LinkedHashMap<>(weights);
        this.initialSparsity = initialSparsity;
        this.finalSparsity = finalSparsity;
        this.beginStep = beginStep;
        this.frequency = frequency;
        this.pruningSteps = pruningSteps;
        this.masksAt = masksAt;
    }

    /** The cubic schedule at step {@code t}: {@code s_i} before {@code t0}, {@code s_f} after {@code t0 + n·Δt}. */
    public static double sparsityAt(long t, double initialSparsity, double finalSparsity, long beginStep,
            long frequency, int pruningSteps) {
        double span = (double) pruningSteps * frequency;
        double progress = Math.min(1, Math.max(0, (t - beginStep) / span));
        double remaining = 1 - progress;
        return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining;
    }

    /** This schedule's sparsity at step {@code t}. */
    public double sparsityAt(long t) {
        return sparsityAt(t, initialSparsity, finalSparsity, beginStep, frequency, pruningSteps);
    }

    /** Whether step {@code t} recomputes the masks: {@code t0 ≤ t ≤ t0 + n·Δt} and {@code (t − t0) mod Δt = 0}. */
    public boolean isPruningStep(long t) {
        return t >= beginStep && t <= beginStep + (long) pruningSteps * frequency && (t - beginStep) % frequency == 0;
    }

    /** The masks in force now (empty before the first pruning step). */
    public PruningMasks masks() {
        return masks;
    }

    /** The sparsity the current masks were computed for. */
    public double currentSparsity() {
        return currentSparsity;
    }

    /** Starting (or resuming) at {@code startStep}: rebuild the masks of the last pruning step reached. */
    @Override
    public void onStart(long startStep, long totalSteps) {
        if (startStep >= beginStep) {
            long end = beginStep + (long) pruningSteps * frequency;
            prune(Math.min(end, beginStep + (startStep - beginStep) / frequency * frequency));
        }
    }

    @Override
    public void onStep(StepEvent event) {
        long t = event.step();
        if (isPruningStep(t)) {
            prune(t);
        } else {
            masks.apply(weights);
        }
    }

    private void prune(long t) {
        currentSparsity = sparsityAt(t);
        masks = masksAt.apply(currentSparsity);
        masks.apply(weights);
        LOG.debug("gradual pruning at step {}: sparsity {}", t, currentSparsity);
    }
}

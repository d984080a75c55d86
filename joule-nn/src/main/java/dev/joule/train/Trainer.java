package dev.joule.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.data.Batch;
import dev.joule.data.BatchStream;
import dev.joule.nn.Model;
import dev.joule.optim.GradClip;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.optim.Optimizer;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The training loop: for each step, the batch at the run's position, the scheduled learning rate,
 * forward, cross-entropy, backward, optional clipping, one optimizer step; evaluation and
 * checkpoints at fixed step intervals and at the end.
 *
 * <p>Resuming is exact: the batch depends only on (seed, epoch, batch index), the learning rate only
 * on the step, and a checkpoint holds the weights, the optimizer state and this position, so a run
 * restored from step k repeats what the uninterrupted run did from step k (given the same thread
 * count; models with dropout draw from their own generator, which is not checkpointed).
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final BatchStream train;
    private final Iterable<Batch> evalSet;
    private final TrainingPlan plan;
    private TrainerState state;
    private TrainingListener listener = new TrainingListener() {};
    private Path checkpointDir;
    private ObjectNode checkpointConfig;
    private volatile boolean stopRequested;

    /**
     * @param evalSet the evaluation batches (may be null: no evaluation)
     * @param seed    the run's seed, recorded in its state and checked on resume
     */
    public Trainer(Model model, Optimizer optimizer, LearningRateSchedule schedule, BatchStream train,
                   Iterable<Batch> evalSet, TrainingPlan plan, long seed) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.train = Objects.requireNonNull(train, "train");
        this.evalSet = evalSet;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.state = new TrainerState(seed);
    }

    public Trainer listener(TrainingListener l) {
        this.listener = Objects.requireNonNull(l);
        return this;
    }

    /** Save checkpoints to {@code dir} with {@code config} (see {@link Checkpoint#config}) as config.json. */
    public Trainer checkpointTo(Path dir, ObjectNode config) {
        this.checkpointDir = dir;
        this.checkpointConfig = config;
        return this;
    }

    /**
     * Asks the loop to stop after the current step (from a listener or another thread). It writes a
     * checkpoint on the way out but skips the final evaluation, so a resumed run's history is the same
     * as an uninterrupted one's.
     */
    public void requestStop() {
        stopRequested = true;
    }

    public TrainerState state() {
        return state;
    }

    /** Loads weights, optimizer state and position from a training checkpoint, to continue it. */
    public void restore(Checkpoint ckpt) {
        if (ckpt.trainerState() == null || ckpt.optimizerState() == null) {
            throw new CheckpointException("the checkpoint has no trainer.json or optimizer.safetensors, so it cannot be resumed"
                    + " (it holds weights only); train without --resume");
        }
        TrainerState restored = TrainerState.fromJson(ckpt.trainerState(), Checkpoints.TRAINER_FILE);
        if (restored.seed() != state.seed()) {
            throw new CheckpointException(Checkpoints.TRAINER_FILE + ": the checkpoint was trained with seed " + restored.seed()
                    + ", this run has seed " + state.seed() + "; resume with --seed " + restored.seed());
        }
        Checkpoints.loadInto(model.namedParameters(), ckpt.weights(), Checkpoints.MODEL_FILE);
        optimizer.loadState(ckpt.optimizerState());
        state = restored;
    }

    public TrainingResult run() {
        listener.onStart(state.step(), plan.totalSteps());
        model.setTraining(true);
        Metrics last = null;
        while (state.step() < plan.totalSteps() && !stopRequested) {
            trainStep();
            long step = state.step();
            boolean end = step == plan.totalSteps();
            if (evalSet != null && plan.evalEvery() > 0 && step % plan.evalEvery() == 0 && !end) {
                last = evaluate();
            }
            if (checkpointDir != null && plan.checkpointEvery() > 0 && step % plan.checkpointEvery() == 0 && !end) {
                saveCheckpoint();
            }
        }
        boolean finished = state.step() >= plan.totalSteps();
        if (evalSet != null && finished) {
            last = evaluate();
        }
        if (checkpointDir != null) {
            saveCheckpoint();
        }
        return new TrainingResult(state, last, !finished);
    }

    private void trainStep() {
        long start = System.nanoTime();
        Batch batch = train.batch(state.epoch(), state.batchIndex());
        float lr = schedule.at(state.step());
        optimizer.setLearningRate(lr);
        optimizer.zeroGrad();
        Var loss = loss(model.forward(batch.inputs()), batch);
        loss.backward();
        float gradNorm = plan.gradClipNorm() > 0
                ? GradClip.clipByGlobalNorm(model.namedParameters().values(), plan.gradClipNorm())
                : Float.NaN;
        optimizer.step();
        float lossValue = loss.value().item();
        state.recordStep(lossValue, batch.size(), System.nanoTime() - start, train.batchesPerEpoch());
        if (!Float.isFinite(lossValue)) {
            throw new TrainingDivergedException("training loss became " + lossValue + " at step " + state.step()
                    + " (learning rate " + lr + "); lower --lr or enable gradient clipping");
        }
        listener.onStep(new TrainingListener.StepEvent(state.step(), plan.totalSteps(), state.epoch(), lossValue, lr,
                gradNorm, state.samplesSeen(), state.trainNanos()));
    }

    /** Cross-entropy over every scored target: logits [B, C] or [B, T, V] are read as [targets, classes]. */
    private Var loss(Var output, Batch batch) {
        int[] shape = output.shape();
        int classes = shape[shape.length - 1];
        Var logits = shape.length == 2 ? output : Ops.reshape(output, batch.targets().length, classes);
        return Ops.crossEntropy(logits, batch.targets(), plan.labelSmoothing());
    }

    public Metrics evaluate() {
        Metrics m = Evaluator.evaluate(model, evalSet);
        model.setTraining(true);
        state.recordEvaluation(m);
        listener.onEvaluation(state.step(), m);
        return m;
    }

    private void saveCheckpoint() {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        model.namedParameters().forEach((name, v) -> weights.put(name, v.value()));
        try {
            Checkpoints.save(checkpointDir, new Checkpoint(checkpointConfig, weights, optimizer.state(), state.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpointDir + ": " + e.getMessage(), e);
        }
        listener.onCheckpoint(state.step(), checkpointDir);
    }
}

package dev.joule.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.GradMode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.data.AssociativeRecall;
import dev.joule.data.Batch;
import dev.joule.data.ShuffledBatches;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.optim.Optimizer;
import dev.joule.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final long SEED = 5;
    private static final int STEPS = 14;

    @TempDir
    Path root;

    private final AssociativeRecall task = AssociativeRecall.small(SEED, 256);
    private final List<Batch> evalSet = List.of(AssociativeRecall.small(SEED + 1, 64).range(0, 64));
    private final ObjectNode config = Checkpoint.config(JsonNodeFactory.instance.objectNode().put("architecture", "tiny"), null, null);

    private Trainer trainer(Model model, TrainingPlan plan) {
        Optimizer opt = new AdamW(model.namedParameters(), 0.05f);
        LearningRateSchedule schedule = new LearningRateSchedule.WarmupCosine(3, STEPS, 0.05f, 0.005f);
        return new Trainer(model, opt, schedule, new ShuffledBatches(task, 16, SEED), evalSet, plan, SEED);
    }

    private static TrainingPlan plan() {
        return TrainingPlan.steps(STEPS).withGradClip(1f).withEvalEvery(4).withCheckpointEvery(5);
    }

    @Test
    void lossFallsOnASyntheticTask() {
        TrainingResult r = trainer(new TinyLm(16, 8, 1), TrainingPlan.steps(60)).run();
        float[] losses = r.state().losses();
        assertEquals(60, losses.length);
        double first = (losses[0] + losses[1] + losses[2]) / 3;
        double last = (losses[57] + losses[58] + losses[59]) / 3;
        assertTrue(last < first - 0.3, "loss " + first + " -> " + last);
        assertNotNull(r.finalMetrics());
        assertTrue(r.finalMetrics().accuracy() >= 0 && r.finalMetrics().accuracy() <= 1);
        assertEquals(64, r.finalMetrics().targets(), "only the query position of each example is scored");
        assertEquals(60 * 16, r.state().samplesSeen());
        assertEquals(3, r.state().epoch(), "256 examples / 16 per batch = 16 batches per epoch");
        assertEquals(12, r.state().batchIndex());
    }

    @Test
    void resumedRunRepeatsTheUninterruptedLossCurveExactly() throws Exception {
        TrainingResult whole = trainer(new TinyLm(16, 8, 1), plan()).checkpointTo(root.resolve("a"), config).run();

        // Interrupted run: stop after step 7 (a checkpoint is written on the way out)...
        Trainer first = trainer(new TinyLm(16, 8, 1), plan()).checkpointTo(root.resolve("b"), config);
        first.listener(new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.step() == 7) {
                    first.requestStop();
                }
            }
        });
        TrainingResult part = first.run();
        assertTrue(part.stoppedEarly());
        assertEquals(7, part.state().step());

        // ... then resumed into a model initialised differently, to prove the weights come from the checkpoint.
        Trainer second = trainer(new TinyLm(16, 8, 99), plan()).checkpointTo(root.resolve("b"), config);
        second.restore(Checkpoints.load(root.resolve("b")));
        TrainingResult resumed = second.run();

        assertFalse(resumed.stoppedEarly());
        assertArrayEquals(whole.state().losses(), resumed.state().losses());
        assertEquals(whole.finalMetrics().loss(), resumed.finalMetrics().loss());
        assertEquals(whole.state().evaluations().size(), resumed.state().evaluations().size());
        assertArrayEquals(Checkpoints.load(root.resolve("a")).weights().get("out.weight").toArray(),
                Checkpoints.load(root.resolve("b")).weights().get("out.weight").toArray());
    }

    @Test
    void resumeFromAPeriodicCheckpointAfterACrash() throws Exception {
        TrainingResult whole = trainer(new TinyLm(16, 8, 1), plan()).run();
        Path crashCopy = root.resolve("crash");
        Trainer doomed = trainer(new TinyLm(16, 8, 1), plan()).checkpointTo(root.resolve("c"), config);
        List<Long> checkpoints = new ArrayList<>();
        doomed.listener(new TrainingListener() {
            @Override
            public void onCheckpoint(long step, Path dir) {
                checkpoints.add(step);
                if (step == 10) {
                    copy(dir, crashCopy);
                }
            }
        });
        doomed.run();
        assertEquals(List.of(5L, 10L, 14L), checkpoints);

        Trainer revived = trainer(new TinyLm(16, 8, 42), plan());
        revived.restore(Checkpoints.load(crashCopy));
        assertEquals(10, revived.state().step());
        assertArrayEquals(whole.state().losses(), revived.run().state().losses());
    }

    @Test
    void resumeWithAnotherSeedIsRefused() throws Exception {
        trainer(new TinyLm(16, 8, 1), TrainingPlan.steps(2)).checkpointTo(root.resolve("d"), config).run();
        Model m = new TinyLm(16, 8, 1);
        Trainer other = new Trainer(m, new AdamW(m.namedParameters(), 0.01f), new LearningRateSchedule.Constant(0.01f),
                new ShuffledBatches(task, 16, 77), null, TrainingPlan.steps(4), 77);
        CheckpointException e = assertThrows(CheckpointException.class, () -> other.restore(Checkpoints.load(root.resolve("d"))));
        assertTrue(e.getMessage().contains("seed 5") && e.getMessage().contains("--seed 5"), e.getMessage());
    }

    @Test
    void evaluationRunsWithoutGraphInInferenceMode() {
        TinyLm model = new TinyLm(16, 8, 1);
        boolean[] sawGradMode = {true};
        boolean[] sawTraining = {true};
        Model probe = new Model() {
            @Override
            public dev.joule.autograd.Var forward(Tensor input) {
                sawGradMode[0] = GradMode.isEnabled();
                sawTraining[0] = model.training;
                return model.forward(input);
            }

            @Override
            public java.util.Map<String, dev.joule.autograd.Var> namedParameters() {
                return model.namedParameters();
            }

            @Override
            public void setTraining(boolean training) {
                model.setTraining(training);
            }
        };
        Metrics m = Evaluator.evaluate(probe, evalSet);
        assertFalse(sawGradMode[0]);
        assertFalse(sawTraining[0]);
        assertTrue(GradMode.isEnabled());
        assertEquals(m.loss() / Math.log(2), m.bitsPerTarget(), 1e-12);
    }

    @Test
    void trainerStateRoundTripsThroughJsonBitForBit() throws Exception {
        TrainingResult r = trainer(new TinyLm(16, 8, 1), TrainingPlan.steps(9)).checkpointTo(root.resolve("e"), config).run();
        TrainerState back = TrainerState.fromJson(Checkpoints.load(root.resolve("e")).trainerState(), "trainer.json");
        assertArrayEquals(r.state().losses(), back.losses());
        assertEquals(r.state().epoch(), back.epoch());
        assertEquals(r.state().batchIndex(), back.batchIndex());
        assertEquals(r.state().trainNanos(), back.trainNanos());
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

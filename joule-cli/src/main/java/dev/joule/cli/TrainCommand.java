package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.data.FashionMnist;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.Optimizer;
import dev.joule.train.Metrics;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingListener;
import dev.joule.train.TrainingPlan;
import dev.joule.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule train}: trains a registry model on a task, evaluates it, optionally checkpoints and resumes. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a task, evaluate it on the held-out split, and (with --out) save a checkpoint.",
            "Progress goes to stderr; the summary (or with --json one JSON object) to stdout."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", description = "Architecture: ${COMPLETION-CANDIDATES}.", completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--task", paramLabel = "TASK", description = "fashion-mnist, char-lm, copy (selective copying), recall (associative recall).")
    String task;

    @Option(names = "--corpus", paramLabel = "FILE", description = "UTF-8 text for char-lm (default: the fortunes package's text).")
    Path corpus;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (fashion-mnist default 3).")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (token tasks default 1000).")
        Long steps;
    }

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (fashion-mnist 128, token tasks 32).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default 1e-3).")
    Float lr;

    @Option(names = "--context", paramLabel = "T", description = "char-lm context length (default 128).")
    Integer context;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of initialisation, shuffling and windows (default 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Checkpoint directory (written at the end and every --checkpoint-every steps).")
    Path out;

    @Option(names = "--resume", description = "Continue the run checkpointed in --out with its stored settings.")
    boolean resume;

    @Option(names = "--eval-every", paramLabel = "N", description = "Evaluate every N steps (default: each epoch for fashion-mnist, else at the end).")
    Long evalEvery;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint every N steps (default: at the end).")
    Long checkpointEvery;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training examples (characters for char-lm).")
    Integer limit;

    @Option(names = "--max-seconds", paramLabel = "S", description = "Stop training after S seconds of training time, then evaluate.")
    Double maxSeconds;

    @ArgGroup(exclusive = false, heading = "Model shape (defaults per model and task):%n")
    ModelShape shape = new ModelShape();

    @Option(names = "--json", description = "Print one JSON object with the results on stdout, nothing else.")
    boolean json;

    private static final long INTERRUPT_GRACE_SECONDS = 60;

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Checkpoint previous = resume ? loadForResume() : null;
        RunSettings settings = previous != null ? RunSettings.fromJson(previous.training()) : newSettings();
        if (previous != null && (length.steps != null || length.epochs != null)) {
            settings = settings.withTotalSteps(length.steps != null ? length.steps : 0, length.epochs != null ? length.epochs : 0);
        }
        TaskData data = TaskData.forTraining(settings.dataOptions());
        settings = settings.withBatchesPerEpoch(data.train().batchesPerEpoch());
        ModelConfig cfg = previous != null ? LoadedCheckpoint.modelConfig(previous.model(), out) : shape.apply(
                ModelConfig.defaults(settings.model(), settings.task(), FashionMnist.SIDE, data.seqLen(), data.vocabSize(), data.vocabSize()));
        Model net = ModelRegistry.create(cfg, settings.seed());
        Optimizer optimizer = settings.newOptimizer(net.namedParameters());
        TrainingPlan plan = new TrainingPlan(settings.totalSteps(), settings.evalEvery(), settings.checkpointEvery(), settings.gradClip(), 0f);
        Trainer trainer = new Trainer(net, optimizer, settings.newSchedule(), data.train(), data.eval(), plan, settings.seed());
        if (out != null) {
            trainer.checkpointTo(out, Checkpoint.config(LoadedCheckpoint.toJson(cfg), data.json(), settings.toJson()));
        }
        if (previous != null) {
            trainer.restore(previous);
        }
        PrintWriter err = spec.commandLine().getErr();
        ProgressRenderer progress = new ProgressRenderer(err, ProgressRenderer.onTerminal(), data.kind());
        EpochTimes epochTimes = new EpochTimes();
        trainer.listener(new TimeLimit(trainer, progress, epochTimes, maxSeconds));
        TrainingResult result;
        CountDownLatch finished = new CountDownLatch(1);
        Thread onInterrupt = checkpointOnInterrupt(trainer, finished);
        try {
            result = trainer.run();
        } finally {
            finished.countDown();
            progress.finish();
            removeHook(onInterrupt);
        }
        Metrics metrics = result.finalMetrics();
        if (result.stoppedEarly() && data.eval() != null) {
            metrics = trainer.evaluate();
        }
        report(settings, cfg, net, data, result, metrics, epochTimes, (System.nanoTime() - wallStart) / 1e9);
        return 0;
    }

    /**
     * On Ctrl-C (or SIGTERM) with --out, the run stops after its current step and writes its checkpoint
     * before the JVM exits, so {@code --resume} loses nothing.
     */
    private Thread checkpointOnInterrupt(Trainer trainer, CountDownLatch finished) {
        if (out == null) {
            return null;
        }
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                if (finished.await(INTERRUPT_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    spec.commandLine().getErr().println("joule: interrupted at step " + trainer.state().step()
                            + "; continue with: joule train --resume --out " + out);
                    spec.commandLine().getErr().flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "joule-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting because of the interrupt; the hook has done its job.
        }
    }

    private Checkpoint loadForResume() throws IOException {
        if (out == null) {
            throw new UsageException("--resume needs --out DIR: the checkpoint directory to continue");
        }
        if (!Checkpoints.exists(out)) {
            throw new UsageException("--resume: no checkpoint in " + out + "; start the run without --resume");
        }
        return Checkpoints.load(out);
    }

    private RunSettings newSettings() {
        if (model == null || task == null) {
            throw new UsageException("train needs --model and --task (or --resume --out DIR)");
        }
        TaskData.checkName(task);
        if (!ModelRegistry.names().contains(model)) {
            throw new UsageException("unknown model '" + model + "'; known models: " + String.join(", ", ModelRegistry.names()));
        }
        if (out != null && Checkpoints.exists(out)) {
            throw new UsageException(out + " already holds a checkpoint; continue it with --resume, or choose another --out");
        }
        if (limit != null && limit <= 0 || batch != null && batch <= 0 || length.steps != null && length.steps <= 0
                || length.epochs != null && length.epochs <= 0) {
            throw new UsageException("--limit, --batch, --steps and --epochs must be positive");
        }
        return RunSettings.fromFlags(model, task, dataDir, corpus, limit, batch, context, lr, seed, length.epochs,
                length.steps, evalEvery, checkpointEvery);
    }

    private void report(RunSettings s, ModelConfig cfg, Model net, TaskData data, TrainingResult r, Metrics m,
                        EpochTimes epochTimes, double wallSeconds) {
        PrintWriter stdout = spec.commandLine().getOut();
        float[] losses = r.state().losses();
        if (json) {
            ObjectNode o = Checkpoints.json().createObjectNode();
            o.put("command", "train").put("model", cfg.architecture()).put("task", s.task());
            o.put("parameters", net.parameterCount());
            o.put("steps", r.state().step()).put("totalSteps", s.totalSteps()).put("epochs", r.state().epoch());
            o.put("batch", s.batch()).put("seed", s.seed()).put("threads", Parallel.threads());
            o.put("seconds", r.trainSeconds()).put("samplesPerSecond", r.samplesPerSecond()).put("wallSeconds", wallSeconds);
            if (!epochTimes.seconds().isEmpty()) {
                epochTimes.seconds().forEach(o.putArray("secondsPerEpoch")::add);
                o.put("medianSecondsPerEpoch", epochTimes.median());
            }
            o.put("trainLoss", losses.length == 0 ? null : (double) losses[losses.length - 1]);
            if (m != null) {
                o.put("loss", m.loss()).put("accuracy", m.accuracy());
                if (data.kind() == dev.joule.train.TaskKind.LANGUAGE_MODEL) {
                    o.put("bpc", m.bitsPerTarget());
                }
                o.put("evalSeconds", m.nanos() / 1e9).put("evalTargets", m.targets());
            }
            o.put("stoppedEarly", r.stoppedEarly());
            o.put("checkpoint", out == null ? null : out.toAbsolutePath().toString());
            stdout.println(o.toString());
        } else {
            stdout.printf(Locale.ROOT, "trained %s on %s: %d steps in %.1f s (%.0f samples/s, %d parameters)%n",
                    cfg.architecture(), s.task(), r.state().step(), r.trainSeconds(), r.samplesPerSecond(), net.parameterCount());
            if (m != null) {
                stdout.println((data.kind() == dev.joule.train.TaskKind.CLASSIFICATION ? "test: " : "validation: ")
                        + ProgressRenderer.describe(m, data.kind()));
            }
            if (out != null) {
                stdout.println("checkpoint: " + out);
            }
        }
        stdout.flush();
    }

    /** Forwards progress to the renderer and stops the run once its training time passes a limit. */
    private record TimeLimit(Trainer trainer, ProgressRenderer progress, EpochTimes epochTimes, Double maxSeconds)
            implements TrainingListener {
        @Override
        public void onStart(long startStep, long totalSteps) {
            progress.onStart(startStep, totalSteps);
            epochTimes.onStart(startStep);
        }

        @Override
        public void onStep(StepEvent e) {
            progress.onStep(e);
            epochTimes.onStep(e);
            if (maxSeconds != null && e.elapsedNanos() / 1e9 >= maxSeconds) {
                trainer.requestStop();
            }
        }

        @Override
        public void onEvaluation(long step, Metrics metrics) {
            progress.onEvaluation(step, metrics);
        }

        @Override
        public void onCheckpoint(long step, Path dir) {
            progress.onCheckpoint(step, dir);
        }
    }
}

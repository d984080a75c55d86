package dev.joule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.distill.Distiller;
import dev.joule.data.FashionMnist;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import dev.joule.train.TaskKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule distill}: trains a student architecture on a trained teacher's logits (knowledge
 * distillation, {@code α·T²·KL + (1 − α)·CE}) on the teacher's task and writes a normal checkpoint.
 * With {@code --baseline} the same student (same seed, same steps) is also trained on the labels alone,
 * so the report shows what the teacher added.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Train a small student model on a trained teacher's logits (knowledge distillation).",
            "Progress goes to stderr; the summary (or with --json one JSON object) to stdout."})
final class DistillCommand implements Callable<Integer> {
    private static final long DEFAULT_STEPS = 500;

    @Spec
    CommandSpec spec;

    @Option(names = "--teacher", paramLabel = "DIR", required = true, description = "Teacher checkpoint (joule train --out).")
    Path teacher;

    @Option(names = "--student", paramLabel = "NAME", required = true, completionCandidates = ModelNames.class,
            description = "Student architecture: ${COMPLETION-CANDIDATES}.")
    String student;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default 500).")
        Long steps;

        @Option(names = "--seconds", paramLabel = "S", description = "Train for S seconds of training time instead of a step count.")
        Double seconds;
    }

    @ArgGroup(exclusive = false, heading = "Student shape (defaults per model and task; a smaller student: e.g. --hidden 32):%n")
    ModelShape shape = new ModelShape();

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "2", description = "Softmax temperature of the soft targets (default ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.5", description = "Weight of the soft (teacher) term; 1 − A weighs the labels (default ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: the student's joule compare rate).")
    Float lr;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (fashion-mnist 128, token tasks 32).")
    Integer batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the student's initialisation and shuffling (default 0).")
    long seed;

    @Option(names = "--baseline", description = "Also train the same student on the labels only, for as many steps, and compare.")
    boolean baseline;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Checkpoint directory for the distilled student.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (!ModelRegistry.names().contains(student)) {
            throw new UsageException("unknown student '" + student + "'; known models: " + String.join(", ", ModelRegistry.names()));
        }
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new UsageException("--temperature must be > 0 and --alpha in [0, 1], got " + temperature + " and " + alpha);
        }
        LoadedCheckpoint t = LoadedCheckpoint.load(teacher);
        String task = t.config().task();
        TaskData data = TaskData.forTraining(dataOptions(t.checkpoint().task(), task));
        ModelConfig cfg = shape.apply(ModelConfig.defaults(student, task, FashionMnist.SIDE, data.seqLen(), data.vocabSize(), data.vocabSize()));
        float rate = lr != null ? lr : CompareDefaults.learningRate(student, task);
        Distiller.Options options = new Distiller.Options(temperature, alpha, rate, length.seconds == null ? steps() : 0,
                length.seconds == null ? null : Duration.ofMillis(Math.round(length.seconds * 1000)), CompareDefaults.gradClip(student));
        PrintWriter err = spec.commandLine().getErr();
        Metrics teacherMetrics = Evaluator.evaluate(t.model(), data.eval());
        Model net = ModelRegistry.create(cfg, seed);
        Distiller.Result distilled = train(t.model(), net, data, options, err);
        save(cfg, net, data, options, distilled);
        Distiller.Result plain = null;
        if (baseline) {
            Model alone = ModelRegistry.create(cfg, seed);
            plain = train(null, alone, data, new Distiller.Options(temperature, 0f, rate, distilled.steps(), null,
                    options.gradClip()), err);
        }
        print(t, cfg, teacherMetrics, net, distilled, plain, options, data);
        return 0;
    }

    private long steps() {
        return length.steps != null ? length.steps : DEFAULT_STEPS;
    }

    private TaskData.Options dataOptions(JsonNode taskJson, String task) {
        Path dataDir = taskJson.hasNonNull("data") ? Path.of(taskJson.get("data").asText()) : null;
        Path corpus = taskJson.hasNonNull("corpus") ? Path.of(taskJson.get("corpus").asText()) : null;
        Integer limit = taskJson.hasNonNull("limit") ? taskJson.get("limit").asInt() : null;
        int b = batch != null ? batch : CompareDefaults.batch(task);
        return new TaskData.Options(task, dataDir, corpus, limit, b, taskJson.path("context").asInt(128), seed);
    }

    private Distiller.Result train(Model teacherModel, Model net, TaskData data, Distiller.Options o, PrintWriter err) {
        ProgressRenderer progress = new ProgressRenderer(err, ProgressRenderer.onTerminal(), data.kind());
        progress.onStart(0, o.steps());
        Distiller.Result r = Distiller.run(teacherModel, net, data.train(), data.eval(), o, progress);
        progress.finish();
        return r;
    }

    private void save(ModelConfig cfg, Model net, TaskData data, Distiller.Options o, Distiller.Result r) throws IOException {
        ObjectNode training = Checkpoints.json().createObjectNode();
        training.put("model", student).put("task", cfg.task()).put("method", "distillation")
                .put("teacher", teacher.toAbsolutePath().toString()).put("temperature", o.temperature()).put("alpha", o.alpha())
                .put("lr", o.learningRate()).put("steps", r.steps()).put("seed", seed).put("trainSeconds", r.trainNanos() / 1e9);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        net.namedParameters().forEach((name, v) -> weights.put(name, v.value()));
        Checkpoints.save(out, new Checkpoint(Checkpoint.config(LoadedCheckpoint.toJson(cfg), data.json(), training), weights, null, null));
    }

    private void print(LoadedCheckpoint t, ModelConfig cfg, Metrics teacherMetrics, Model net, Distiller.Result distilled,
            Distiller.Result plain, Distiller.Options o, TaskData data) {
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            ObjectNode j = Checkpoints.json().createObjectNode();
            j.put("command", "distill").put("teacher", teacher.toAbsolutePath().toString()).put("teacherModel", t.config().architecture())
                    .put("student", student).put("task", cfg.task()).put("out", out.toAbsolutePath().toString())
                    .put("temperature", o.temperature()).put("alpha", o.alpha()).put("lr", o.learningRate()).put("seed", seed)
                    .put("teacherAccuracy", teacherMetrics.accuracy()).put("teacherParameters", t.model().parameterCount())
                    .put("studentParameters", net.parameterCount());
            j.set("distilled", result(distilled, data.kind()));
            if (plain != null) {
                j.set("baseline", result(plain, data.kind()));
            }
            stdout.println(j.toString());
        } else {
            stdout.printf(Locale.ROOT, "teacher %s (%d parameters): %s%n", t.config().architecture(), t.model().parameterCount(),
                    ProgressRenderer.describe(teacherMetrics, data.kind()));
            stdout.printf(Locale.ROOT, "student %s (%d parameters), distilled at T %.1f, alpha %.2f, %d steps in %.1f s: %s%n",
                    student, net.parameterCount(), o.temperature(), o.alpha(), distilled.steps(), distilled.trainNanos() / 1e9,
                    ProgressRenderer.describe(distilled.student(), data.kind()));
            if (plain != null) {
                stdout.printf(Locale.ROOT, "same student on labels only, %d steps in %.1f s: %s%n", plain.steps(),
                        plain.trainNanos() / 1e9, ProgressRenderer.describe(plain.student(), data.kind()));
            }
            stdout.printf(Locale.ROOT, "checkpoint: %s%n", out);
        }
        stdout.flush();
    }

    private static ObjectNode result(Distiller.Result r, TaskKind kind) {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.put("steps", r.steps()).put("trainSeconds", r.trainNanos() / 1e9).put("firstLoss", r.firstLoss())
                .put("lastLoss", r.lastLoss()).put("accuracy", r.student().accuracy()).put("loss", r.student().loss());
        if (kind == TaskKind.LANGUAGE_MODEL) {
            o.put("bpc", r.student().bitsPerTarget());
        }
        return o;
    }
}

package dev.joule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.data.AssociativeRecall;
import dev.joule.data.Batch;
import dev.joule.data.BatchStream;
import dev.joule.data.CharCorpus;
import dev.joule.data.FashionMnist;
import dev.joule.data.LabeledImages;
import dev.joule.data.Seeds;
import dev.joule.data.ShuffledBatches;
import dev.joule.data.TokenTask;
import dev.joule.data.Vocabulary;
import dev.joule.data.SelectiveCopy;
import dev.joule.train.EvalSets;
import dev.joule.train.TaskKind;
import java.nio.file.Path;
import java.util.List;

/**
 * The data side of a task, built from the train command's flags or, for eval and generate, from the
 * "task" section a checkpoint stored (which records everything needed to rebuild the same split).
 *
 * @param json       the checkpoint's "task" section
 * @param train      training batches (null when built for evaluation only)
 * @param eval       the evaluation set: the full test split, the full validation split, or held-out synthetic examples
 * @param seqLen     sequence length the model must accept (rows for images, context for token tasks)
 * @param vocabulary the characters of a char-lm task, else null
 */
record TaskData(String name, TaskKind kind, ObjectNode json, BatchStream train, Iterable<Batch> eval,
                int seqLen, int vocabSize, Vocabulary vocabulary) {
    static final List<String> NAMES = List.of("fashion-mnist", "char-lm", "copy", "recall");
    private static final int SYNTHETIC_TRAIN_EXAMPLES = 100_000;
    private static final int SYNTHETIC_EVAL_EXAMPLES = 1_000;

    /** The options of {@code joule train} that shape the data. */
    record Options(String task, Path dataDir, Path corpus, Integer limit, int batch, int context, long seed) {}

    static void checkName(String task) {
        if (!NAMES.contains(task)) {
            throw new UsageException("unknown task '" + task + "'; known tasks: " + String.join(", ", NAMES));
        }
    }

    static TaskData forTraining(Options o) {
        checkName(o.task());
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", o.task());
        if (o.limit() != null) {
            json.put("limit", o.limit());
        }
        switch (o.task()) {
            case "fashion-mnist" -> {
                Path dir = o.dataDir() == null ? FashionMnist.DEFAULT_DIR : o.dataDir();
                json.put("data", dir.toAbsolutePath().toString());
                FashionMnist data = FashionMnist.load(dir);
                LabeledImages train = o.limit() == null ? data.train() : data.train().limit(o.limit());
                return new TaskData(o.task(), TaskKind.CLASSIFICATION, json, new ShuffledBatches(train, o.batch(), o.seed()),
                        EvalSets.inOrder(data.test(), 500), FashionMnist.SIDE, 0, null);
            }
            case "char-lm" -> {
                json.put("corpus", o.corpus() == null ? null : o.corpus().toAbsolutePath().toString());
                json.put("context", o.context());
                CharCorpus corpus = corpus(json, null);
                json.put("vocabulary", corpus.vocabulary().chars());
                return new TaskData(o.task(), TaskKind.LANGUAGE_MODEL, json, corpus.trainingWindows(o.batch(), o.context(), o.seed()),
                        corpus.validationBatches(o.context(), 32), o.context(), corpus.vocabulary().size(), corpus.vocabulary());
            }
            default -> {
                json.put("seed", o.seed());
                TokenTask train = synthetic(o.task(), o.seed(), o.limit() == null ? SYNTHETIC_TRAIN_EXAMPLES : o.limit());
                TokenTask eval = synthetic(o.task(), Seeds.derive(o.seed(), 1), SYNTHETIC_EVAL_EXAMPLES);
                return new TaskData(o.task(), TaskKind.LANGUAGE_MODEL, json, new ShuffledBatches(train, o.batch(), o.seed()),
                        EvalSets.inOrder(eval, 250), train.sequenceLength(), train.vocabSize(), null);
            }
        }
    }

    /** Rebuilds the evaluation side from a checkpoint's "task" section. */
    static TaskData forEvaluation(JsonNode task) {
        String name = task.path("name").asText("");
        if (!NAMES.contains(name)) {
            throw new dev.joule.checkpoint.CheckpointException("config.json: task '" + name + "' is not one of " + NAMES);
        }
        ObjectNode json = (ObjectNode) task;
        switch (name) {
            case "fashion-mnist" -> {
                FashionMnist data = FashionMnist.load(Path.of(task.path("data").asText(FashionMnist.DEFAULT_DIR.toString())));
                return new TaskData(name, TaskKind.CLASSIFICATION, json, null, EvalSets.inOrder(data.test(), 500), FashionMnist.SIDE, 0, null);
            }
            case "char-lm" -> {
                Vocabulary vocab = Vocabulary.fromChars(task.path("vocabulary").asText());
                int context = task.path("context").asInt(128);
                CharCorpus corpus = corpus(json, vocab);
                return new TaskData(name, TaskKind.LANGUAGE_MODEL, json, null, corpus.validationBatches(context, 32), context, vocab.size(), vocab);
            }
            default -> {
                TokenTask eval = synthetic(name, Seeds.derive(task.path("seed").asLong(), 1), SYNTHETIC_EVAL_EXAMPLES);
                return new TaskData(name, TaskKind.LANGUAGE_MODEL, json, null, EvalSets.inOrder(eval, 250),
                        eval.sequenceLength(), eval.vocabSize(), null);
            }
        }
    }

    /** Vocabulary of a char-lm checkpoint, without reading its corpus (for generate). */
    static Vocabulary vocabulary(JsonNode task) {
        if (!"char-lm".equals(task.path("name").asText()) || !task.hasNonNull("vocabulary")) {
            throw new UsageException("this checkpoint was trained on task '" + task.path("name").asText()
                    + "'; joule generate needs a char-lm checkpoint");
        }
        return Vocabulary.fromChars(task.get("vocabulary").asText());
    }

    private static CharCorpus corpus(JsonNode task, Vocabulary vocab) {
        String file = task.hasNonNull("corpus") ? task.get("corpus").asText() : null;
        String text = file == null ? CharCorpus.fortunesText(CharCorpus.FORTUNES_DIR) : readText(Path.of(file));
        if (task.hasNonNull("limit") && task.get("limit").asInt() < text.length()) {
            text = text.substring(0, text.offsetByCodePoints(0, Math.min(task.get("limit").asInt(), text.codePointCount(0, text.length()))));
        }
        String source = file == null ? CharCorpus.FORTUNES_DIR.toString() : file;
        if (vocab == null) {
            return CharCorpus.fromText(text, source);
        }
        try {
            return CharCorpus.fromText(text, source, vocab);
        } catch (IllegalArgumentException e) {
            throw new dev.joule.data.DataFormatException(source + " no longer matches the checkpoint's vocabulary: " + e.getMessage());
        }
    }

    private static String readText(Path file) {
        return CharCorpus.readText(file);
    }

    private static TokenTask synthetic(String name, long seed, int size) {
        return name.equals("copy") ? SelectiveCopy.small(seed, size) : AssociativeRecall.small(seed, size);
    }
}

package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.data.CharCorpus;
import dev.joule.data.FashionMnist;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.UnknownModelException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule models}: every registered architecture with its size for a task, without training anything. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the registered models with parameters, MACs (and, for spiking models, the upper bound of ACs) per "
                + "inference and inference state memory,",
            "built with their default configuration for a task. char-lm uses the fortunes vocabulary when installed, else 96 symbols."})
final class ModelsCommand implements Callable<Integer> {
    /** Printable ASCII plus newline: the vocabulary assumed when the fortunes corpus is not installed. */
    static final int FALLBACK_VOCAB = 96;

    @Spec
    CommandSpec spec;

    @Option(names = "--task", defaultValue = "fashion-mnist", paramLabel = "TASK",
            description = "fashion-mnist (default) or char-lm.")
    String task;

    @Option(names = "--json", description = "Print one JSON object with a row per model.")
    boolean json;

    @Override
    public Integer call() {
        if (!task.equals("fashion-mnist") && !task.equals("char-lm")) {
            throw new UsageException("joule models supports --task fashion-mnist or char-lm, got '" + task + "'");
        }
        int vocab = task.equals("char-lm") ? charVocabSize() : 0;
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        if (!json) {
            out.printf(Locale.ROOT, "%-20s %12s %16s %14s  %-28s %s%n", "model", "parameters", "MACs/inference", "ACs/inference",
                    "MACs counted", "state memory");
        }
        for (String name : ModelRegistry.names()) {
            ModelFacts f;
            try {
                ModelConfig cfg = ModelConfig.defaults(name, task, FashionMnist.SIDE, RunSettings.DEFAULT_CONTEXT, vocab, vocab);
                f = ModelFacts.of(name, cfg, ModelRegistry.create(cfg, 0));
            } catch (UnknownModelException unsupported) {
                // mlp and cnn classify images only.
                if (!json) {
                    out.printf(Locale.ROOT, "%-20s %12s %16s %14s  %-28s %s%n", name, "-", "-", "-", "(not for " + task + ")", "-");
                }
                continue;
            }
            if (json) {
                ObjectNode r = rows.addObject();
                r.put("model", name).put("parameters", f.parameters()).put("macsPerInference", f.macsPerInference())
                        .put("acsPerInference", f.acsPerInference()).put("macsUnit", f.macsUnit());
                if (f.stateFloats() >= 0) {
                    r.put("stateFloatsPerStream", f.stateFloats()).put("stateBytesPerStream", 4 * f.stateFloats());
                } else {
                    r.putNull("stateFloatsPerStream");
                }
                r.put("stateKind", f.stateKind());
            } else {
                out.printf(Locale.ROOT, "%-20s %12d %16d %14d  %-28s %s%n", name, f.parameters(), f.macsPerInference(),
                        f.acsPerInference(), f.macsUnit(), f.stateText());
            }
        }
        if (json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("task", task);
            if (vocab > 0) {
                o.put("vocabSize", vocab);
            }
            o.set("models", rows);
            out.println(o);
        }
        out.flush();
        return 0;
    }

    private static int charVocabSize() {
        try {
            return CharCorpus.fromText(CharCorpus.fortunesText(CharCorpus.FORTUNES_DIR), "fortunes").vocabulary().size();
        } catch (RuntimeException notInstalled) {
            return FALLBACK_VOCAB;
        }
    }
}

package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.kernel.Parallel;
import dev.joule.models.snn.LayerStats;
import dev.joule.models.snn.SpikingModel;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import dev.joule.train.TaskKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule eval}: a checkpoint's loss and accuracy (and bits per character) on its task's full held-out split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on the full test split (fashion-mnist) or validation split (char-lm).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "Checkpoint directory written by joule train --out.")
    Path checkpoint;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        LoadedCheckpoint loaded = LoadedCheckpoint.load(checkpoint);
        TaskData data = TaskData.forEvaluation(loaded.checkpoint().task());
        Metrics m = Evaluator.evaluate(loaded.model(), data.eval());
        long step = loaded.checkpoint().trainerState() == null ? -1 : loaded.checkpoint().trainerState().path("step").asLong(-1);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Checkpoints.json().createObjectNode();
            o.put("command", "eval").put("checkpoint", checkpoint.toAbsolutePath().toString());
            o.put("model", loaded.config().architecture()).put("task", data.name()).put("steps", step);
            o.put("loss", m.loss()).put("accuracy", m.accuracy());
            if (data.kind() == TaskKind.LANGUAGE_MODEL) {
                o.put("bpc", m.bitsPerTarget());
            }
            o.put("targets", m.targets()).put("seconds", m.nanos() / 1e9);
            if (loaded.model() instanceof SpikingModel snn) {
                o.set("spikingLayers", layersJson(snn));
            }
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%s on %s (%d targets, %.1f s): %s%n", loaded.config().architecture(), data.name(),
                    m.targets(), m.nanos() / 1e9, ProgressRenderer.describe(m, data.kind()));
            if (loaded.model() instanceof SpikingModel snn) {
                printLayers(out, snn);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Spiking models measure their activity over the evaluation just run (see {@link SpikingModel}): per layer the
     * firing rate, spikes, accumulate-only synaptic operations and MACs, each per inference (one test image).
     */
    private static void printLayers(PrintWriter out, SpikingModel snn) {
        out.printf(Locale.ROOT, "spiking activity over this evaluation, per inference (%d time steps; measured, counted by the kernels):%n",
                snn.steps());
        out.printf(Locale.ROOT, "  %-10s %8s %10s %12s %14s %12s%n", "layer", "neurons", "firing", "spikes", "ACs", "MACs");
        for (LayerStats l : snn.lastStats()) {
            out.printf(Locale.ROOT, "  %-10s %8d %9.1f%% %12.0f %14.0f %12.0f%n", l.layer(), l.neurons(), 100 * l.firingRate(),
                    l.spikesPerInference(), l.accumulatesPerInference(), l.macsPerInference());
        }
    }

    private static ArrayNode layersJson(SpikingModel snn) {
        ArrayNode layers = Checkpoints.json().createArrayNode();
        for (LayerStats l : snn.lastStats()) {
            ObjectNode o = layers.addObject();
            o.put("layer", l.layer()).put("neurons", l.neurons()).put("steps", l.steps()).put("samples", l.samples());
            o.put("firingRate", l.firingRate()).put("spikesPerInference", l.spikesPerInference());
            o.put("acsPerInference", l.accumulatesPerInference()).put("macsPerInference", l.macsPerInference());
        }
        return layers;
    }
}

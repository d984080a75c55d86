package dev.joule.compress.dynamic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A model measured dense and with activation-skipping forms, side by side, with each linear's input sparsity. */
public record ActivationSkippingReport(MeasuredVariant dense, MeasuredVariant skipping, float threshold, List<Layer> layers) {

    /**
     * One linear layer.
     *
     * @param zeroFraction        share of its calibration inputs that were exactly 0
     * @param skippableFraction   share with {@code |x| <= threshold}
     * @param skipping            whether a skipping form was attached
     * @param effectiveMacsPerRow MACs per input row measured over the test passes (the dense count when not skipping)
     */
    public record Layer(String name, int out, int in, long rowsPerInference, double zeroFraction, double skippableFraction,
            boolean skipping, long denseMacsPerRow, double effectiveMacsPerRow) {}

    public double macsSaving() {
        return 1 - skipping.macsPerInput() / dense.macsPerInput();
    }

    public double energySaving() {
        return 1 - skipping.joulesPerInference() / dense.joulesPerInference();
    }

    public double accuracyDropPoints() {
        return 100 * (dense.accuracy() - skipping.accuracy());
    }

    public ObjectNode toJson() {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.set("dense", dense.toJson());
        o.set("skipping", skipping.toJson());
        o.put("threshold", threshold).put("accuracyDropPoints", accuracyDropPoints()).put("macsSaving", macsSaving())
                .put("energySaving", energySaving());
        ArrayNode a = o.putArray("layers");
        for (Layer l : layers) {
            a.addObject().put("name", l.name()).put("out", l.out()).put("in", l.in()).put("rowsPerInference", l.rowsPerInference())
                    .put("zeroFraction", l.zeroFraction()).put("skippableFraction", l.skippableFraction())
                    .put("skipping", l.skipping()).put("denseMacsPerRow", l.denseMacsPerRow())
                    .put("effectiveMacsPerRow", l.effectiveMacsPerRow());
        }
        return o;
    }

    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(MeasuredVariant.HEADER);
        lines.add(dense.row());
        lines.add(skipping.row());
        lines.add(String.format(Locale.ROOT, "%-28s %10s %10s %9s %14s %14s", "layer", "zeros", "skippable", "skipping",
                "dense MACs/row", "eff. MACs/row"));
        for (Layer l : layers) {
            lines.add(String.format(Locale.ROOT, "%-28s %9.1f%% %9.1f%% %9s %14d %14.0f", l.name(), 100 * l.zeroFraction(),
                    100 * l.skippableFraction(), l.skipping() ? "yes" : "no", l.denseMacsPerRow(), l.effectiveMacsPerRow()));
        }
        lines.add(String.format(Locale.ROOT, "activation skipping (|x| <= %s skipped): accuracy %+.2f points, MACs %+.1f%%, J/inference %+.1f%%",
                threshold, -accuracyDropPoints(), -100 * macsSaving(), -100 * energySaving()));
        return lines;
    }
}

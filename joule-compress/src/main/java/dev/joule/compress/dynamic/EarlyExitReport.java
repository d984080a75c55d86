package dev.joule.compress.dynamic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The full model and its early-exit version measured side by side in one run over the same test set.
 *
 * @param exitFractions fraction of test inputs leaving after each block (the last entry ran the whole network)
 * @param calibration   the held-out (training-set) calibration behind the thresholds, or null
 */
public record EarlyExitReport(MeasuredVariant full, MeasuredVariant early, float[] thresholds, double[] exitFractions,
        ExitCalibration.Result calibration) {

    /** {@code 1 − J_early / J_full}: the share of energy per inference early exit saves. */
    public double energySaving() {
        return 1 - early.joulesPerInference() / full.joulesPerInference();
    }

    public double macsSaving() {
        return 1 - early.macsPerInput() / full.macsPerInput();
    }

    public double timeSaving() {
        return 1 - early.wallMicrosPerInput() / full.wallMicrosPerInput();
    }

    /** Test accuracy lost by exiting early, in percentage points (negative when it gained). */
    public double accuracyDropPoints() {
        return 100 * (full.accuracy() - early.accuracy());
    }

    public ObjectNode toJson() {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.set("full", full.toJson());
        o.set("earlyExit", early.toJson());
        ArrayNode t = o.putArray("thresholds");
        for (float x : thresholds) {
            t.add(x);
        }
        ArrayNode f = o.putArray("exitFractions");
        for (double x : exitFractions) {
            f.add(x);
        }
        o.put("accuracyDropPoints", accuracyDropPoints()).put("macsSaving", macsSaving())
                .put("energySaving", energySaving()).put("timeSaving", timeSaving());
        if (calibration != null) {
            o.putObject("calibration").put("split", "held-out part of the training set")
                    .put("heldOut", calibration.heldOut()).put("budgetPoints", calibration.budgetPoints())
                    .put("fullAccuracy", calibration.fullAccuracy()).put("earlyAccuracy", calibration.earlyAccuracy());
        }
        return o;
    }

    /** A small table for people: the two variants side by side, then the exit fractions and the savings. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(MeasuredVariant.HEADER);
        lines.add(full.row());
        lines.add(early.row());
        StringBuilder f = new StringBuilder("left after block:");
        for (int i = 0; i < exitFractions.length; i++) {
            f.append(String.format(Locale.ROOT, " %d: %.1f%%", i + 1, 100 * exitFractions[i]));
        }
        lines.add(f.toString());
        lines.add(String.format(Locale.ROOT, "early exit: accuracy %+.2f points, MACs %+.1f%%, wall time %+.1f%%, J/inference %+.1f%%",
                -accuracyDropPoints(), -100 * macsSaving(), -100 * timeSaving(), -100 * energySaving()));
        if (calibration != null) {
            lines.add(String.format(Locale.ROOT, "thresholds calibrated on %d held-out training images for a budget of %.2f points"
                    + " (there: full %.2f%%, early %.2f%%)", calibration.heldOut(), calibration.budgetPoints(),
                    100 * calibration.fullAccuracy(), 100 * calibration.earlyAccuracy()));
        }
        return lines;
    }
}

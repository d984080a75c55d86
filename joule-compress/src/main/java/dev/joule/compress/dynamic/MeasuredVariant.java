package dev.joule.compress.dynamic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import java.util.Locale;

/**
 * One variant of a model (full, early exit, activation skipping) measured over a test set, per input.
 *
 * @param macsPerInput        analytic MACs per input (for a dynamic variant: the mean over the inputs measured)
 * @param countedMacsPerInput MACs the kernels counted in the measured windows, per input
 * @param wallMicrosPerInput  wall time of the measured windows per input (batched)
 * @param cpuMicrosPerInput   process CPU time per input, NaN when the meter does not know it
 * @param energySource        the sources of the energy figure ({@code model-cpu-time} is an estimate from CPU time)
 * @param estimate            whether any part of the energy figure is an estimate rather than a hardware reading
 */
public record MeasuredVariant(String name, double accuracy, double macsPerInput, double countedMacsPerInput,
        double wallMicrosPerInput, double cpuMicrosPerInput, double joulesPerInference, String energySource,
        boolean estimate, long inferences) {

    static final String HEADER = String.format(Locale.ROOT, "%-11s %9s %12s %12s %12s %14s  %s", "variant", "accuracy",
            "MACs/input", "wall us/in", "cpu us/in", "J/inference", "energy source");

    /** One line under {@link #HEADER}. */
    String row() {
        return String.format(Locale.ROOT, "%-11s %8.2f%% %12.0f %12.1f %12.1f %14.3e  %s%s", name, 100 * accuracy,
                macsPerInput, wallMicrosPerInput, cpuMicrosPerInput, joulesPerInference, energySource,
                estimate ? " (estimate)" : " (measured)");
    }

    public ObjectNode toJson() {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.put("accuracy", accuracy).put("macsPerInput", macsPerInput).put("countedMacsPerInput", countedMacsPerInput)
                .put("wallMicrosPerInput", wallMicrosPerInput).put("cpuMicrosPerInput", cpuMicrosPerInput)
                .put("joulesPerInference", joulesPerInference).put("energySource", energySource)
                .put("estimate", estimate).put("inferences", inferences);
        return o;
    }
}

package dev.joule.cli;

import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.dynamic.EarlyExit;
import dev.joule.compress.dynamic.EarlyExitModel;
import dev.joule.compress.dynamic.EarlyExitReport;
import dev.joule.compress.dynamic.EarlyExitStore;
import dev.joule.data.Dataset;
import dev.joule.data.FashionMnist;
import dev.joule.energy.track.EnergyRun;
import dev.joule.nn.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code joule compress --early-exit}: exit heads after each transformer block, trained on the frozen (possibly
 * compressed) model, thresholds calibrated on held-out training images, then the full and early-exit models
 * measured side by side on the test split; the heads and thresholds are saved beside the checkpoint's weights.
 */
final class EarlyExitStep {
    private EarlyExitStep() {}

    static EarlyExitReport run(Model model, CompressInputs inputs, Path target, double budgetPoints, int passes, EnergyRun run) {
        if (!inputs.canTrain()) {
            throw new UsageException("--early-exit trains exit heads: it needs the fashion-mnist training set");
        }
        EarlyExit.Options o = EarlyExit.Options.defaults().withBudgetPoints(budgetPoints);
        EarlyExitModel ee = EarlyExit.build(model, inputs.train(), o);
        try {
            EarlyExitStore.save(target, ee);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the exit heads into " + target + ": " + e.getMessage(), e);
        }
        Dataset test = FashionMnist.load(Path.of(inputs.eval().json().path("data").asText(FashionMnist.DEFAULT_DIR.toString()))).test();
        return EarlyExit.measure(ee, test, run, passes, o.evalBatch());
    }

    /** Copies an uncompressed checkpoint's model and config to {@code target}, for exits added without compression. */
    static void copyCheckpoint(LoadedCheckpoint source, Path target) {
        try {
            Checkpoints.save(target, source.checkpoint());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}

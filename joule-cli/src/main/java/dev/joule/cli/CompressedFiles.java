package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.AtomicFiles;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.CompressionResult;
import dev.joule.compress.CompressionSpec;
import dev.joule.compress.io.CompressedCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing a compressed checkpoint next to the f32 one, and the sizes the report compares. */
final class CompressedFiles {
    static final String REPORT_FILE = "compress-report.json";

    private CompressedFiles() {}

    /** Saves the compressed model with the source checkpoint's config and what was done under "compression". */
    static CompressedCheckpoint.Saved save(Path target, LoadedCheckpoint source, CompressionResult result, CompressionSpec spec) {
        if (target.toAbsolutePath().normalize().equals(source.dir().toAbsolutePath().normalize())) {
            throw new UsageException("--out " + target + " is the source checkpoint; write the compressed one elsewhere");
        }
        ObjectNode how = Checkpoints.json().createObjectNode();
        how.put("source", source.dir().toAbsolutePath().toString());
        how.put("prune", spec.prune() == null ? null : spec.prune().label());
        how.put("quantize", spec.quantize() == null ? null : spec.quantize().id());
        how.put("fineTuneSteps", result.fineTuneSteps());
        how.put("validationAccuracyBefore", result.baselineAccuracy()).put("validationAccuracyAfter", result.accuracy());
        result.keptF32().forEach(how.putArray("keptF32")::add);
        try {
            return CompressedCheckpoint.save(target, source.model(), source.checkpoint().config(), how);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the compressed checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the whole report with the checkpoint, as {@code compress-report.json} (written atomically). */
    static void writeReport(Path target, ObjectNode report) {
        try {
            AtomicFiles.write(target.resolve(REPORT_FILE), Checkpoints.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target.resolve(REPORT_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Bytes of a checkpoint's weights file. */
    static long modelBytes(Path dir) {
        try {
            return Files.size(dir.resolve(Checkpoints.MODEL_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + dir.resolve(Checkpoints.MODEL_FILE), e);
        }
    }
}

package dev.joule.compress;

import dev.joule.kernel.forms.FormChooser;
import java.util.List;

/**
 * One linear layer after compression, for the report.
 *
 * @param name          parameter name of the weight
 * @param out           rows of the weight
 * @param in            columns of the weight
 * @param storedFormat  how its weights are stored: {@code f32} or the quantized format
 * @param sparsity      share of zero weights
 * @param kernel        the kernel that runs at inference (the chooser's pick)
 * @param runsFormat    the format of the form that runs (may be f32 when an int8 kernel was slower)
 * @param storedBytes   bytes of the stored weights (codes and scales, or the kept f32 values)
 * @param denseMacs     MACs per inference of the dense f32 layer
 * @param macs          MACs per inference of the form that runs
 * @param timings       the chooser's median time per candidate
 * @param reason        the chooser's reason in words
 */
public record LayerReport(String name, int out, int in, String storedFormat, double sparsity, String kernel,
        String runsFormat, long storedBytes, long denseMacs, long macs, List<FormChooser.Timing> timings, String reason) {}

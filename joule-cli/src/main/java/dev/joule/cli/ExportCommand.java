package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.AtomicFiles;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.nn.Init;
import dev.joule.onnx.export.ExportCheck;
import dev.joule.onnx.export.Int8WeightForms;
import dev.joule.onnx.export.OnnxExporter;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule export}: a checkpoint's model as an ONNX file (f32, or {@code --int8}: int8 weights as QDQ). Before the file is written, ONNX
 * Runtime runs it on random inputs beside Joule; a disagreement beyond the tolerance is an error and
 * nothing is written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a checkpoint (fashion-mnist mlp, cnn or transformer) to an ONNX file that ONNX Runtime loads.")
final class ExportCommand implements Callable<Integer> {
    static final double MAX_ABS_DIFF = 1e-4;
    static final double MIN_COSINE = 0.9999;
    private static final int CHECK_SAMPLES = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "Checkpoint directory written by joule train --out.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The ONNX file to write (replaced atomically).")
    Path out;

    @Option(names = "--no-check", description = "Skip running the exported file in ONNX Runtime against Joule.")
    boolean noCheck;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout, nothing else.")
    boolean json;

    @Option(names = "--int8", description = "Write the linear layers' weights as int8 per output channel with DequantizeLinear (QDQ);"
            + " the check then compares with Joule's int8 weight-only inference.")
    boolean int8;

    @Override
    public Integer call() {
        LoadedCheckpoint loaded = LoadedCheckpoint.load(checkpoint);
        ModelProto proto = OnnxExporter.export(loaded.model(), loaded.config(),
                int8 ? OnnxExporter.Weights.INT8_QDQ : OnnxExporter.Weights.F32);
        byte[] bytes = proto.toByteArray();
        ExportCheck.Agreement agreement = noCheck ? null : check(loaded, proto);
        write(bytes);
        PrintWriter pw = spec.commandLine().getOut();
        String arch = loaded.config().architecture();
        long params = loaded.model().parameterCount();
        if (json) {
            ObjectNode o = Checkpoints.json().createObjectNode();
            o.put("command", "export").put("checkpoint", checkpoint.toAbsolutePath().toString());
            o.put("out", out.toAbsolutePath().toString()).put("model", arch).put("task", loaded.config().task());
            o.put("parameters", params).put("bytes", bytes.length).put("opset", OnnxExporter.OPSET);
            o.put("irVersion", OnnxExporter.IR_VERSION).put("nodes", proto.getGraph().getNodeCount());
            o.put("weights", int8 ? "int8-qdq" : "f32");
            o.put("input", proto.getGraph().getInput(0).getName()).put("output", proto.getGraph().getOutput(0).getName());
            if (agreement != null) {
                o.putObject("onnxruntime").put("samples", agreement.rows()).put("maxAbsDiff", agreement.maxAbsDiff())
                        .put("minCosine", agreement.minCosine());
            }
            pw.println(o.toString());
        } else {
            pw.printf(Locale.ROOT, "%s (%s, %,d parameters) -> %s: %s weights, %,d bytes, %d nodes, opset %d, input '%s', output '%s'%n",
                    arch, loaded.config().task(), params, out, int8 ? "int8 QDQ" : "f32", bytes.length, proto.getGraph().getNodeCount(),
                    OnnxExporter.OPSET, proto.getGraph().getInput(0).getName(), proto.getGraph().getOutput(0).getName());
            if (agreement != null) {
                pw.printf(Locale.ROOT, "ONNX Runtime agrees with Joule%s on %d random inputs: max |diff| %.2g, min cosine %.7f%n",
                        int8 ? " (int8 weight-only)" : "", agreement.rows(), agreement.maxAbsDiff(), agreement.minCosine());
            }
        }
        pw.flush();
        return 0;
    }

    /**
     * Random images of the checkpoint's input shape through both engines; refuses a file that disagrees.
     * For an int8 file Joule runs its int8 weight-only forms (the file's codes and scales) meanwhile.
     */
    private static ExportCheck.Agreement check(LoadedCheckpoint loaded, ModelProto proto) {
        Tensor input = Init.uniform(new SplittableRandom(0), 1f, CHECK_SAMPLES, loaded.config().seqLen(),
                loaded.config().inputDim());
        List<String> forms = Int8WeightForms.attachWeightOnly(loaded.model(), proto);
        ExportCheck.Agreement a;
        try {
            a = ExportCheck.compare(loaded.model(), proto.toByteArray(), input);
        } finally {
            Int8WeightForms.detach(loaded.model(), forms);
        }
        if (!(a.maxAbsDiff() <= MAX_ABS_DIFF && a.minCosine() >= MIN_COSINE)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the exported model disagrees with Joule in ONNX "
                    + "Runtime (max |diff| %.3g > %.0e or min cosine %.6f < %.4f); nothing was written. Please report "
                    + "this with the checkpoint", a.maxAbsDiff(), MAX_ABS_DIFF, a.minCosine(), MIN_COSINE));
        }
        return a;
    }

    private void write(byte[] bytes) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(out, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}

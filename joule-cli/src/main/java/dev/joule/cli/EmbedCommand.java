package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.kernel.Parallel;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code joule embed}: sentence embeddings from a pretrained encoder imported from ONNX, run on Joule's engine. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Print sentence embeddings (mean-pooled, L2-normalised) from a pretrained ONNX encoder run by Joule.")
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = MiniLm.NAME,
            description = "The encoder: minilm (all-MiniLM-L6-v2, 384 dimensions; default).")
    String model;

    @Option(names = "--file", paramLabel = "FILE", description = "Embed each non-empty line of FILE.")
    Path file;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Sentences to embed (instead of --file).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON: model, dimension and one {text, embedding} per sentence.")
    boolean json;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Sentences per forward pass (default 32).")
    int batch;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (!MiniLm.NAME.equals(model)) {
            throw new UsageException("--model: unknown encoder '" + model + "'; available: " + MiniLm.NAME);
        }
        if ((file == null) == texts.isEmpty()) {
            throw new UsageException("embed needs either --file FILE or sentences as arguments, not both or neither");
        }
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        List<String> sentences = file == null ? texts : readLines(file);
        if (sentences.isEmpty()) {
            throw new UsageException("--file " + file + " has no non-empty lines");
        }
        List<float[]> vectors = new ArrayList<>();
        try (JouleSentenceEncoder encoder = MiniLm.joule()) {
            for (int from = 0; from < sentences.size(); from += batch) {
                List<String> part = sentences.subList(from, Math.min(sentences.size(), from + batch));
                vectors.addAll(List.of(encoder.embed(part)));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, sentences, vectors);
        } else {
            for (float[] v : vectors) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < v.length; i++) {
                    sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6f", v[i]));
                }
                out.println(sb);
            }
        }
        out.flush();
        return 0;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UsageException("--file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private void printJson(PrintWriter out, List<String> sentences, List<float[]> vectors) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model).put("dimension", MiniLm.DIMENSION).put("pooling", "mean").put("normalized", true);
        ArrayNode items = root.putArray("embeddings");
        for (int i = 0; i < sentences.size(); i++) {
            ObjectNode item = items.addObject();
            item.put("text", sentences.get(i));
            ArrayNode e = item.putArray("embedding");
            for (float x : vectors.get(i)) {
                e.add(x);
            }
        }
        out.println(mapper.writeValueAsString(root));
    }
}

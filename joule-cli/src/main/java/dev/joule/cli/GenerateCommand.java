package dev.joule.cli;

import dev.joule.data.Vocabulary;
import dev.joule.models.Sampler;
import dev.joule.models.StreamingSampler;
import dev.joule.models.StepModel;
import java.util.function.IntConsumer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule generate}: continues a prompt with a char-lm checkpoint, printing characters as they are sampled. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Sample text from a char-lm checkpoint, continuing --prompt.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "A char-lm checkpoint directory.")
    Path checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", required = true, description = "Text to continue (characters of the training corpus only).")
    String prompt;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "200", description = "Characters to generate (default 200).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling temperature; 0 picks the most likely (default 0.8).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample among the K most likely only (default 0: all).")
    int topK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Sampling seed (default 0).")
    long seed;

    @Override
    public Integer call() {
        if (prompt.isEmpty() || tokens < 0) {
            throw new UsageException("generate needs a non-empty --prompt and --tokens >= 0");
        }
        LoadedCheckpoint loaded = LoadedCheckpoint.load(checkpoint);
        Vocabulary vocab = TaskData.vocabulary(loaded.checkpoint().task());
        int[] ids;
        try {
            ids = vocab.encode(prompt);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--prompt: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(prompt);
        IntConsumer print = id -> {
            out.print(vocab.decode(new int[] {id}));
            out.flush();
        };
        // Step models feed one token at a time: a recurrent model in O(1) per token, the char Transformer through
        // its KV cache. Other models re-read their context window.
        if (loaded.model() instanceof StepModel<?> stepper) {
            new StreamingSampler(stepper).generate(ids, tokens, temperature, topK, seed, print);
        } else {
            new Sampler(loaded.model(), loaded.config().seqLen()).generate(ids, tokens, temperature, topK, seed, print);
        }
        out.println();
        out.flush();
        return 0;
    }
}

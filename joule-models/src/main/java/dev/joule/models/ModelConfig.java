package dev.joule.models;

import java.util.Locale;

/**
 * Everything needed to rebuild a model's architecture; stored as JSON in checkpoints (Jackson reads and
 * writes records by component name).
 *
 * <p>Meaning of the fields per task:
 * <ul>
 *   <li>{@code fashion-mnist}: inputs {@code [B, 28, 28]}; {@code inputDim} = pixels per row (28),
 *       {@code seqLen} = rows (28), {@code numClasses} = 10. The MLP flattens {@code inputDim·seqLen}
 *       pixels; the Transformer reads each row as a token.</li>
 *   <li>{@code char-lm}, {@code copy}, {@code recall}: inputs {@code [B, T]} token ids as floats,
 *       {@code T ≤ seqLen} (the context length); {@code vocabSize} tokens; logits {@code [B, T, vocabSize]};
 *       {@code inputDim} unused (0).</li>
 * </ul>
 * {@code dModel, heads, layers, ffDim} shape the Transformer; {@code hidden} is the MLP's hidden width;
 * {@code dropout} the dropout probability used in training (0 disables it).
 */
public record ModelConfig(String architecture, String task, int inputDim, int seqLen, int vocabSize, int numClasses,
        int dModel, int heads, int layers, int ffDim, int hidden, float dropout) {

    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String CHAR_LM = "char-lm";

    /**
     * The default architecture hyper-parameters for a model and task. For {@code fashion-mnist} the data fixes
     * the input (28 rows of 28 pixels, 10 classes), so {@code inputDim}, {@code seqLen} and {@code numClasses}
     * are taken from the data set whatever is passed; for token tasks a {@code seqLen} ≤ 0 means 128 and
     * {@code numClasses} is the vocabulary size.
     */
    public static ModelConfig defaults(String architecture, String task, int inputDim, int seqLen, int vocabSize,
            int numClasses) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        boolean images = FASHION_MNIST.equals(task);
        if (images) {
            inputDim = 28;
            seqLen = 28;
            numClasses = 10;
            vocabSize = 0;
        } else {
            seqLen = seqLen > 0 ? seqLen : 128;
            numClasses = vocabSize;
        }
        if (arch.equals("mlp")) {
            return new ModelConfig(arch, task, inputDim, seqLen, vocabSize, numClasses, 0, 0, 1, 0, 256, 0f);
        }
        if (images) {
            return new ModelConfig(arch, task, inputDim, seqLen, vocabSize, numClasses, 64, 4, 2, 128, 0, 0f);
        }
        return tokenDefaults(arch, task, inputDim, seqLen, vocabSize, numClasses);
    }

    /**
     * Token-task shapes, each near the char-LM references (a ~0.84M-parameter Transformer and a 2-layer
     * LSTM of 256, ~0.97M, at a vocabulary of ~100), so that {@code joule compare} sets architectures of about the
     * same size against each other. Parameters at vocabulary 100: transformer, sparse-transformer and
     * linear-transformer ~0.84M (d 128, 4 layers, ff 512); lstm 0.97M; gru 0.73M (the same 2 x 256); mingru 0.98M
     * (3 layers of 448); minlstm 0.83M (2 of 448); mamba 0.89M (d 176, 4 layers); mamba2 0.81M (d 176, 4 layers,
     * 4 heads of 88); rwkv 0.95M. A recurrent
     * model's {@code hidden} set here keeps these {@code layers} ({@code RecurrentDefaults} only fills hidden = 0).
     */
    private static ModelConfig tokenDefaults(String arch, String task, int inputDim, int seqLen, int vocabSize, int numClasses) {
        int dModel = 128;
        int layers = 4;
        int hidden = 0;
        switch (arch) {
            case "lstm", "gru" -> {
                hidden = 256;
                layers = 2;
            }
            case "mingru" -> {
                hidden = 448;
                layers = 3;
            }
            case "minlstm" -> {
                hidden = 448;
                layers = 2;
            }
            case "mamba", "mamba2" -> dModel = 176;
            default -> { }
        }
        return new ModelConfig(arch, task, inputDim, seqLen, vocabSize, numClasses, dModel, 4, layers, 512, hidden, 0f);
    }

    /** Defaults for Fashion-MNIST, whose input shape the data fixes. */
    public static ModelConfig fashionMnist(String architecture) {
        return defaults(architecture, FASHION_MNIST, 28, 28, 0, 10);
    }

    /** Defaults for a character language model over {@code vocabSize} symbols with context {@code seqLen}. */
    public static ModelConfig charLm(String architecture, int vocabSize, int seqLen) {
        return defaults(architecture, CHAR_LM, 0, seqLen, vocabSize, vocabSize);
    }

    public ModelConfig withDropout(float p) {
        return new ModelConfig(architecture, task, inputDim, seqLen, vocabSize, numClasses, dModel, heads, layers,
                ffDim, hidden, p);
    }

    public ModelConfig withShape(int dModel, int heads, int layers, int ffDim) {
        return new ModelConfig(architecture, task, inputDim, seqLen, vocabSize, numClasses, dModel, heads, layers,
                ffDim, hidden, dropout);
    }
}

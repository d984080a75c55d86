package dev.joule.cli;

import dev.joule.models.ModelConfig;
import picocli.CommandLine.Option;

/** Optional overrides of a model's default shape ({@code joule train --d-model 64 --layers 2 ...}). */
final class ModelShape {
    @Option(names = "--d-model", paramLabel = "D", description = "Transformer width.")
    Integer dModel;

    @Option(names = "--heads", paramLabel = "H", description = "Attention heads.")
    Integer heads;

    @Option(names = "--layers", paramLabel = "L", description = "Transformer blocks or recurrent layers.")
    Integer layers;

    @Option(names = "--ff-dim", paramLabel = "F", description = "Feed-forward width.")
    Integer ffDim;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden width of the MLP or of a recurrent model (lstm, gru, mingru, minlstm).")
    Integer hidden;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout probability in training (default 0).")
    Float dropout;

    ModelConfig apply(ModelConfig c) {
        return new ModelConfig(c.architecture(), c.task(), c.inputDim(), c.seqLen(), c.vocabSize(), c.numClasses(),
                dModel != null ? dModel : c.dModel(), heads != null ? heads : c.heads(), layers != null ? layers : c.layers(),
                ffDim != null ? ffDim : c.ffDim(), hidden != null ? hidden : c.hidden(), dropout != null ? dropout : c.dropout());
    }
}

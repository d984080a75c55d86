package dev.joule.cli;

import dev.joule.data.Batch;
import dev.joule.data.FashionMnist;
import dev.joule.models.ModelConfig;
import dev.joule.tensor.Tensor;
import dev.joule.train.TaskKind;

/**
 * The data of one {@code joule compare} run and what "one inference" means on it: an image on
 * fashion-mnist; a token on char-lm, copy and recall (a teacher-forced forward over a window scores
 * every position, so a window of T tokens is T inferences).
 */
record CompareTask(TaskData data) {

    static CompareTask load(TaskData.Options options) {
        return new CompareTask(TaskData.forTraining(options));
    }

    String name() {
        return data.name();
    }

    boolean images() {
        return data.kind() == TaskKind.CLASSIFICATION;
    }

    boolean charLm() {
        return data.name().equals("char-lm");
    }

    /** "image" or "token": the unit of J/inference, MACs/inference and ACs/inference. */
    String inferenceUnit() {
        return images() ? "image" : "token";
    }

    /** What one latency sample is: an image, or one context window at batch 1. */
    String latencyUnit() {
        return images() ? "image" : "window of " + data.seqLen() + " tokens";
    }

    /** Inferences in a batch: its images, or every token position of its windows. */
    long inferences(Batch b) {
        return images() ? b.size() : b.inputs().size();
    }

    /** The model's default configuration for this task. */
    ModelConfig config(String model) {
        return ModelConfig.defaults(model, data.name(), FashionMnist.SIDE, data.seqLen(), data.vocabSize(), data.vocabSize());
    }

    /** Analytic MACs (or ACs) of one inference from the model's per-sample figure (a whole window on token tasks). */
    long perInference(long perSample) {
        return images() || perSample <= 0 ? perSample : Math.round((double) perSample / data.seqLen());
    }

    /** Sample {@code i} of a batch at batch size 1, as a view. */
    static Tensor one(Batch b, int i) {
        return b.inputs().rows(i, i + 1);
    }
}

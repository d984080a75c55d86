package dev.joule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.joule.compress.CompressionData;
import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.data.FashionMnist;
import dev.joule.data.LabeledImages;
import dev.joule.tensor.Tensor;
import dev.joule.train.EvalSets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The data {@code joule compress} works on, rebuilt from a checkpoint's task: the training set for
 * fine-tuning and QAT, a validation slice for the accuracy budget and calibration, and the task's
 * held-out split for the figures reported.
 *
 * <p>The validation slice is the first {@value #VALIDATION_IMAGES} training images: the checkpoint saw
 * them in training, so its accuracy there is optimistic, but the budget is a <em>drop</em> between two
 * models measured on the same slice, and the test split stays untouched for the reported figures.
 * Fine-tuning is supported on fashion-mnist; on token tasks compression is post-training only.
 */
record CompressInputs(TaskData eval, CompressionData data) {
    static final int VALIDATION_IMAGES = 10_000;
    private static final int CALIBRATION_BATCHES = 8;

    static CompressInputs of(JsonNode task, int evalBatch) {
        TaskData eval = TaskData.forEvaluation(task);
        if ("fashion-mnist".equals(eval.name())) {
            FashionMnist fm = FashionMnist.load(Path.of(task.path("data").asText(FashionMnist.DEFAULT_DIR.toString())));
            LabeledImages train = fm.train();
            Iterable<Batch> validation = EvalSets.inOrder(train.limit(Math.min(VALIDATION_IMAGES, train.size())), evalBatch);
            return new CompressInputs(eval, new CompressionData(train, validation, first(validation), inputs(validation)));
        }
        Iterable<Batch> validation = eval.eval();
        return new CompressInputs(eval, new CompressionData(null, validation, first(validation), inputs(validation)));
    }

    /** Whether fine-tuning and QAT can run on this task. */
    boolean canTrain() {
        return data.train() != null;
    }

    private static Tensor first(Iterable<Batch> batches) {
        return batches.iterator().next().inputs();
    }

    private static List<Tensor> inputs(Iterable<Batch> batches) {
        List<Tensor> out = new ArrayList<>();
        for (Batch b : batches) {
            out.add(b.inputs());
            if (out.size() == CALIBRATION_BATCHES) {
                break;
            }
        }
        return out;
    }

    Dataset train() {
        return data.train();
    }
}

package dev.joule.compress.distill;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.data.BatchStream;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.GradClip;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.optim.TimeBudgetSchedule;
import dev.joule.tensor.Tensor;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import dev.joule.train.TrainingListener;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a student on a frozen teacher's logits with {@link DistillationLoss}: per step, the teacher runs
 * the batch without gradients (in evaluation mode), the student runs it with them, and Adam updates the
 * student alone. With {@code alpha = 0} the teacher is not run at all, which is the same student trained
 * on the labels only: the baseline distillation is compared with.
 */
public final class Distiller {
    private static final Logger LOG = LoggerFactory.getLogger(Distiller.class);

    private Distiller() {}

    /**
     * @param steps        optimizer steps (warm-up + cosine over them); 0 when {@code budget} decides
     * @param budget       training time, used when {@code steps} is 0 (warm-up + cosine over the time)
     * @param gradClip     global gradient-norm clip, 0 for none
     */
    public record Options(float temperature, float alpha, float learningRate, long steps, Duration budget, float gradClip) {
        public Options {
            if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1) || !(learningRate > 0)) {
                throw new IllegalArgumentException("distillation needs temperature > 0, alpha in [0, 1] and a learning rate > 0,"
                        + " got " + temperature + ", " + alpha + ", " + learningRate);
            }
            if (steps <= 0 && (budget == null || budget.isZero() || budget.isNegative())) {
                throw new IllegalArgumentException("distillation needs a number of steps > 0 or a time budget > 0");
            }
        }

        public static Options steps(long steps, float learningRate) {
            return new Options(2f, 0.5f, learningRate, steps, null, 1f);
        }

        public Options withTemperature(float t) {
            return new Options(t, alpha, learningRate, steps, budget, gradClip);
        }

        public Options withAlpha(float a) {
            return new Options(temperature, a, learningRate, steps, budget, gradClip);
        }
    }

    /**
     * @param firstLoss mean loss over the first tenth of the steps (at most 50)
     * @param lastLoss  mean loss over the last tenth (at most 50)
     * @param student   the student's loss and accuracy on the evaluation set, or null without one
     */
    public record Result(long steps, double firstLoss, double lastLoss, long trainNanos, Metrics student) {}

    /** Distils {@code teacher} into {@code student} over {@code train}; evaluates the student on {@code eval} (may be null). */
    public static Result run(Model teacher, Model student, BatchStream train, Iterable<Batch> eval, Options o,
            TrainingListener listener) {
        Objects.requireNonNull(student, "student");
        if (o.alpha() > 0) {
            Objects.requireNonNull(teacher, "teacher (needed when alpha > 0)");
            teacher.setTraining(false);
        }
        AdamW opt = AdamW.adam(student.namedParameters(), o.learningRate());
        long[] trainNanos = {0};
        LearningRateSchedule lr = o.steps() > 0
                ? new LearningRateSchedule.WarmupCosine(Math.min(50, o.steps() / 10), o.steps(), o.learningRate(), o.learningRate() / 10)
                : new TimeBudgetSchedule(o.budget().toNanos(), 0.05, 20, o.learningRate(), o.learningRate() / 10, () -> trainNanos[0]);
        LossWindow losses = new LossWindow(o.steps() > 0 ? o.steps() : Long.MAX_VALUE);
        student.setTraining(true);
        long step = 0;
        long samples = 0;
        while (o.steps() > 0 ? step < o.steps() : trainNanos[0] < o.budget().toNanos()) {
            long start = System.nanoTime();
            Batch b = train.batch(step / train.batchesPerEpoch(), step % train.batchesPerEpoch());
            Tensor teacherLogits = o.alpha() > 0 ? teacherLogits(teacher, b) : null;
            float rate = lr.at(step);
            opt.setLearningRate(rate);
            opt.zeroGrad();
            Var out = student.forward(b.inputs());
            Var loss = DistillationLoss.of(out, teacherLogits, b.targets(), o.temperature(), o.alpha());
            loss.backward();
            float norm = o.gradClip() > 0 ? GradClip.clipByGlobalNorm(student.namedParameters().values(), o.gradClip()) : Float.NaN;
            opt.step();
            float value = loss.value().item();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("distillation loss became " + value + " at step " + step
                        + " (learning rate " + rate + "); lower the learning rate");
            }
            step++;
            samples += b.size();
            trainNanos[0] += System.nanoTime() - start;
            losses.add(step, value);
            if (listener != null) {
                listener.onStep(new TrainingListener.StepEvent(step, o.steps(), step / train.batchesPerEpoch(), value, rate,
                        norm, samples, trainNanos[0]));
            }
        }
        Metrics m = eval == null ? null : Evaluator.evaluate(student, eval);
        student.setTraining(false);
        LOG.info("distilled {} steps (T {}, alpha {}): loss {} -> {}", step, o.temperature(), o.alpha(),
                String.format("%.4f", losses.first()), String.format("%.4f", losses.last()));
        return new Result(step, losses.first(), losses.last(), trainNanos[0], m);
    }

    private static Tensor teacherLogits(Model teacher, Batch b) {
        try (NoGrad g = NoGrad.enter()) {
            return teacher.forward(b.inputs()).value();
        }
    }

    /** Mean loss over the first and the last {@code min(50, steps/10)} steps (the last ones kept in a ring). */
    private static final class LossWindow {
        private final double[] ring;
        private double firstSum;
        private int firstCount;
        private long seen;

        LossWindow(long plannedSteps) {
            int w = (int) Math.max(1, Math.min(50, plannedSteps / 10));
            this.ring = new double[w];
        }

        void add(long step, double loss) {
            if (firstCount < ring.length) {
                firstSum += loss;
                firstCount++;
            }
            ring[(int) (seen++ % ring.length)] = loss;
        }

        double first() {
            return firstCount == 0 ? Double.NaN : firstSum / firstCount;
        }

        double last() {
            int n = (int) Math.min(seen, ring.length);
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += ring[i];
            }
            return n == 0 ? Double.NaN : s / n;
        }
    }
}

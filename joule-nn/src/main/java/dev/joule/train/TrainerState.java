package dev.joule.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.CheckpointException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a run is and what it has seen: the part of a checkpoint (trainer.json) that, with the weights
 * and the optimizer state, lets a resumed run continue exactly. Batches and the learning rate are
 * functions of (seed, epoch, batch index, step), so no random-generator state needs saving.
 */
public final class TrainerState {
    private long step;
    private long epoch;
    private long batchIndex;
    private long seed;
    private long samplesSeen;
    private long trainNanos;
    private float[] losses = new float[64];
    private final List<Evaluation> evaluations = new ArrayList<>();

    /** An evaluation at a step, kept in the history. */
    public record Evaluation(long step, double loss, double accuracy) {}

    public TrainerState(long seed) {
        this.seed = seed;
    }

    public long step() {
        return step;
    }

    public long epoch() {
        return epoch;
    }

    public long batchIndex() {
        return batchIndex;
    }

    public long seed() {
        return seed;
    }

    public long samplesSeen() {
        return samplesSeen;
    }

    public long trainNanos() {
        return trainNanos;
    }

    /** Training loss of every step so far, in order. */
    public float[] losses() {
        return Arrays.copyOf(losses, (int) step);
    }

    public List<Evaluation> evaluations() {
        return List.copyOf(evaluations);
    }

    void recordStep(float loss, int samples, long nanos, long batchesPerEpoch) {
        if (step == losses.length) {
            losses = Arrays.copyOf(losses, losses.length * 2);
        }
        losses[(int) step] = loss;
        step++;
        samplesSeen += samples;
        trainNanos += nanos;
        batchIndex++;
        if (batchIndex >= batchesPerEpoch) {
            batchIndex = 0;
            epoch++;
        }
    }

    void recordEvaluation(Metrics m) {
        evaluations.add(new Evaluation(step, m.loss(), m.accuracy()));
    }

    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("step", step);
        o.put("epoch", epoch);
        o.put("batchIndex", batchIndex);
        o.put("seed", seed);
        o.put("rng", "counter-based: batches from (seed, epoch, batchIndex), learning rate from step");
        o.put("samplesSeen", samplesSeen);
        o.put("trainNanos", trainNanos);
        ArrayNode l = o.putArray("losses");
        for (int i = 0; i < step; i++) {
            if (Float.isFinite(losses[i])) {
                l.add(losses[i]);
            } else {
                l.add(Float.toString(losses[i]));
            }
        }
        ArrayNode ev = o.putArray("evaluations");
        for (Evaluation e : evaluations) {
            ev.addObject().put("step", e.step()).put("loss", e.loss()).put("accuracy", e.accuracy());
        }
        return o;
    }

    /** Reads trainer.json; {@code source} names the file in errors. */
    public static TrainerState fromJson(JsonNode o, String source) {
        for (String field : new String[] {"step", "epoch", "batchIndex", "seed", "losses"}) {
            if (!o.has(field)) {
                throw new CheckpointException(source + ": field '" + field + "' is missing; the checkpoint cannot be resumed");
            }
        }
        TrainerState s = new TrainerState(o.get("seed").asLong());
        s.step = o.get("step").asLong();
        s.epoch = o.get("epoch").asLong();
        s.batchIndex = o.get("batchIndex").asLong();
        s.samplesSeen = o.path("samplesSeen").asLong();
        s.trainNanos = o.path("trainNanos").asLong();
        JsonNode l = o.get("losses");
        if (l.size() != s.step) {
            throw new CheckpointException(source + ": " + l.size() + " losses recorded for " + s.step + " steps");
        }
        s.losses = new float[Math.max(64, l.size())];
        for (int i = 0; i < l.size(); i++) {
            s.losses[i] = exactFloat(l.get(i));
        }
        for (JsonNode e : o.path("evaluations")) {
            s.evaluations.add(new Evaluation(e.path("step").asLong(), e.path("loss").asDouble(), e.path("accuracy").asDouble()));
        }
        return s;
    }

    /** The float a JSON number was written from, bit for bit (BigDecimal rounds once, a double twice). */
    private static float exactFloat(JsonNode n) {
        if (n.isTextual()) {
            return Float.parseFloat(n.asText());
        }
        if (n.isBigDecimal()) {
            return Float.parseFloat(n.decimalValue().toString());
        }
        return Float.parseFloat(n.asText());
    }
}

package dev.joule.train;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A bigram-style model (embedding, then a linear read-out) for fast trainer tests: [B, T] ids -> [B, T, V]. */
final class TinyLm implements Model {
    private final Map<String, Var> params = new LinkedHashMap<>();
    boolean training = true;

    TinyLm(int vocab, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        params.put("embed.weight", Var.param(random(rng, 1f, vocab, dim)));
        params.put("out.weight", Var.param(random(rng, (float) (1 / Math.sqrt(dim)), vocab, dim)));
        params.put("out.bias", Var.param(Tensor.zeros(vocab)));
    }

    private static Tensor random(SplittableRandom rng, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * scale);
        }
        return t;
    }

    @Override
    public Var forward(Tensor input) {
        Var h = Ops.embedding(params.get("embed.weight"), input);
        return Ops.linear(h, params.get("out.weight"), params.get("out.bias"));
    }

    @Override
    public Map<String, Var> namedParameters() {
        return params;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }
}

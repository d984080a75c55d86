package dev.joule.nn;

import dev.joule.autograd.Var;
import java.util.List;

/** Children applied in order, named "0", "1", ... as PyTorch's {@code nn.Sequential}. */
public final class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    public Sequential(List<? extends Module> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < this.layers.size(); i++) {
            register(Integer.toString(i), this.layers.get(i));
        }
    }

    @Override
    public Var forward(Var x) {
        Var y = x;
        for (Module m : layers) {
            y = m.forward(y);
        }
        return y;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }
}

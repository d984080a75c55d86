package dev.joule.cli;

import dev.joule.models.ModelRegistry;
import java.util.Iterator;

/** The registry's model names, for {@code --model}'s help text; the registry is the one list. */
final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return ModelRegistry.names().iterator();
    }
}

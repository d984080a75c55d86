package dev.joule.onnx.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps a run takes and, after each, the values nobody reads any more ({@code dead}), so peak
 * memory is the widest point of the graph; {@code elided}: graph values this plan never computes.
 */
final class Plan {
    final List<Step> steps;
    final List<List<String>> dead = new ArrayList<>();
    final Set<String> elided;
    /** shapeOnly[i]: step i computes a value of the input shapes alone ({@link ShapeValues}). */
    final boolean[] shapeOnly;

    Plan(Graph graph, List<Step> steps, Set<String> elided) {
        this.steps = List.copyOf(steps);
        this.elided = elided;
        this.shapeOnly = ShapeValues.shapeOnlySteps(steps.stream().map(Step::node).toList(), graph.constants());
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            dead.add(new ArrayList<>());
            for (String in : steps.get(i).node().inputs()) {
                lastUse.put(in, i);
            }
        }
        Set<String> keep = new HashSet<>(graph.constants().keySet());
        graph.outputs().forEach(o -> keep.add(o.name()));
        lastUse.forEach((name, i) -> {
            if (!keep.contains(name) && !name.isEmpty()) {
                dead.get(i).add(name);
            }
        });
    }
}

package dev.joule.onnx.graph;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.ops.Operators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the node-by-node plan into fewer, larger steps where that is cheaper at batch 1, without
 * changing what the graph computes beyond rounding. Two rules; the value between the fused nodes then
 * never exists (it is "elided"), so a call that captures it runs the unfused plan:
 * <ul>
 *   <li><b>GELU in the epilogue</b> ({@code joule.LinearGelu}): a linear layer that runs a form and whose
 *       output only a {@code joule.Gelu} reads applies GELU in its product's epilogue.
 *       {@code -Djoule.onnx.fuseGelu=false} turns it off.</li>
 *   <li><b>Residual add in the layer norm</b> ({@code joule.AddLayerNorm}): an {@code Add} whose output
 *       only the next step, a {@code joule.LayerNorm}, reads is added inside the norm's row kernel
 *       ({@link dev.joule.kernel.LayerNormRows}). {@code -Djoule.onnx.fuseAddNorm=false} turns it off.</li>
 * </ul>
 * Both properties are read when an executor is made.
 *
 * <p>Tried and not kept: running sibling linear layers (a layer's Q, K and V) as one product with their
 * weights side by side. In-process A/Bs at batch 1 measured 0.98-1.03× the wall time (f32 and int8),
 * within the noise, for a second copy of those weights.
 */
final class PlanFusion {
    private final Graph graph;
    private final Map<String, LinearWeights> forms;

    PlanFusion(Graph graph, Map<String, LinearWeights> forms) {
        this.graph = graph;
        this.forms = forms;
    }

    /** The fused plan, or null when nothing fuses. */
    Plan fuse(List<Step> steps) {
        List<Step> s = steps;
        Set<String> elided = new HashSet<>();
        if (Boolean.parseBoolean(System.getProperty("joule.onnx.fuseGelu", "true"))) {
            s = fuseGelu(s, elided);
        }
        if (Boolean.parseBoolean(System.getProperty("joule.onnx.fuseAddNorm", "true"))) {
            s = fuseAddNorm(s, elided);
        }
        return s == steps ? null : new Plan(graph, s, elided);
    }

    /** How many steps read each value; a graph output counts as one more reader. */
    private Map<String, Integer> readers(List<Step> steps) {
        Map<String, Integer> readers = new HashMap<>();
        for (Step st : steps) {
            for (String in : st.node().inputs()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        graph.outputs().forEach(o -> readers.merge(o.name(), 1, Integer::sum));
        return readers;
    }

    private List<Step> fuseAddNorm(List<Step> steps, Set<String> elided) {
        Map<String, Integer> readers = readers(steps);
        List<Step> out = new ArrayList<>();
        boolean any = false;
        for (int i = 0; i < steps.size(); i++) {
            Node add = steps.get(i).node();
            Node next = i + 1 < steps.size() ? steps.get(i + 1).node() : null;
            if (add.opType().equals("Add") && add.inputs().size() == 2 && add.outputs().size() == 1 && next != null
                    && next.opType().equals(FusedOps.LAYER_NORM) && next.inputs().size() == 3
                    && next.inputs().get(0).equals(add.outputs().get(0))
                    && readers.getOrDefault(add.outputs().get(0), 0) == 1) {
                List<String> in = List.of(add.inputs().get(0), add.inputs().get(1), next.inputs().get(1), next.inputs().get(2));
                Node both = new Node(add.name() + "+norm", FusedOps.ADD_LAYER_NORM, in, next.outputs(),
                        next.attributes(), next.opset());
                out.add(new Step(both, Operators.lookup(FusedOps.ADD_LAYER_NORM)));
                elided.add(add.outputs().get(0));
                any = true;
                i++;
            } else {
                out.add(steps.get(i));
            }
        }
        return any ? out : steps;
    }

    private List<Step> fuseGelu(List<Step> steps, Set<String> elided) {
        Map<String, Integer> readers = readers(steps);
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Node lin = steps.get(i).node();
            LinearWeights form = forms.get(lin.name());
            Node next = i + 1 < steps.size() ? steps.get(i + 1).node() : null;
            if (form != null && next != null && next.opType().equals(FusedOps.GELU) && lin.outputs().size() == 1
                    && next.inputs().equals(lin.outputs()) && readers.getOrDefault(lin.outputs().get(0), 0) == 1) {
                Node both = new Node(lin.name() + "+gelu", FusedOps.LINEAR_GELU, lin.inputs(), next.outputs(),
                        Map.of(), lin.opset());
                out.add(new Step(both, FusedOps.linearWith(form, true)));
                elided.add(lin.outputs().get(0));
                i++;
            } else {
                out.add(steps.get(i));
            }
        }
        return elided.isEmpty() ? steps : out;
    }
}

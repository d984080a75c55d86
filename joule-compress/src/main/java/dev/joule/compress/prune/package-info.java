/**
 * Static pruning: which weights are removed, how they stay removed through training, and how the removal turns
 * into smaller matrices.
 *
 * <ul>
 *   <li>{@link dev.joule.compress.prune.PruningMasks}: 0/1 masks per parameter, applied in place and re-applied
 *       after every optimizer step ({@code asListener}).</li>
 *   <li>{@link dev.joule.compress.prune.MagnitudePruning}: unstructured (per layer or global) and N:M masks.</li>
 *   <li>{@link dev.joule.compress.prune.GradualPruning}: Zhu &amp; Gupta's cubic schedule as a training listener.</li>
 *   <li>{@link dev.joule.compress.prune.NeuronGroups} / {@link dev.joule.compress.prune.StructuredPruning}: whole
 *       neurons, feed-forward channels, attention heads and recurrent hidden units, with a
 *       {@link dev.joule.compress.prune.ShrinkPlan} that {@link dev.joule.compress.prune.ShrunkForms} attaches as
 *       {@code ShrunkWeights} forms (the shrunk model computes the masked dense model, tested to 1e-5).</li>
 *   <li>{@link dev.joule.compress.prune.FineTune}: recovery training with the masks held.</li>
 * </ul>
 *
 * <pre>
 *   StructuredPruning.Result r = StructuredPruning.prune(model, 0.5);          // masks applied in place
 *   FineTune.of(model, train).steps(500).learningRate(1e-3f).masks(r.masks()).run();
 *   ShrunkForms.attach(model, r.plan());                                       // inference runs smaller matrices
 * </pre>
 */
package dev.joule.compress.prune;

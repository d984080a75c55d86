package dev.joule.compress;

import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.tensor.Tensor;

/**
 * The data compression needs.
 *
 * @param train       fine-tuning and QAT batches are drawn from it (may be null when neither runs)
 * @param validation  accuracy before and after, and the sensitivity of each layer, are measured on it
 * @param sample      one input batch: the probe runs it to find the linear layers
 * @param calibration input batches for static activation scales
 */
public record CompressionData(Dataset train, Iterable<Batch> validation, Tensor sample, Iterable<Tensor> calibration) {}

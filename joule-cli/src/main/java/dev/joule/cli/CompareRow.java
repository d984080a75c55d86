package dev.joule.cli;

/**
 * One model's line of {@code joule compare}. Energies are IT energy (no PUE); sources name how each was
 * obtained ({@code rapl-pkg}, {@code model-cpu-time}, ...) and the estimate flags say when it is a model.
 * "Per inference" means per image on fashion-mnist and per token on token tasks (see {@link CompareTask}).
 *
 * @param accuracy              test accuracy (fashion-mnist), next-character accuracy (char-lm) or
 *                              answer-token accuracy (copy, recall), 0..1
 * @param bpc                   bits per character on the validation split (char-lm), NaN otherwise
 * @param learningRate          the peak learning rate of the time-budget schedule
 * @param trainSeconds          training time (steps only, evaluation excluded)
 * @param trainJoules           energy of the training window
 * @param joulesPerInference    energy of the measured inference window / inferences in it
 * @param inferenceBelowResolution the inference window was shorter than the meter's resolution
 * @param macsPerInference      analytic MACs of one inference (the model's formula; per token: a window's / its length)
 * @param acsPerInference       accumulate-only operations of one inference: spiking models' measured mean over
 *                              the inference window (their analytic upper bound before any), else 0
 * @param countedMacsPerInference MACs the kernels counted in the inference window / inferences
 * @param analyticJoulesPerInference Horowitz 45 nm: counted MACs at E_MAC (4.6 pJ), other counted flops (spike
 *                              accumulates included) as adds at E_AC (0.9 pJ), counted bytes as SRAM traffic
 * @param p50LatencyMillis      median latency of one sample (an image, or a context window) at batch 1
 * @param stateFloats           state or KV-cache floats per stream, -1 when none
 * @param stateKind             what {@code stateFloats} holds, "-" when none
 * @param wallSeconds           the model's whole turn: building, training, evaluation and measurements
 */
record CompareRow(String model, long parameters, double accuracy, double bpc, float learningRate, long steps,
                  double trainSeconds, double trainJoules, String trainSource, boolean trainEstimate,
                  double joulesPerInference, String inferenceSource, boolean inferenceEstimate,
                  boolean inferenceBelowResolution, long inferences,
                  long macsPerInference, long acsPerInference, long countedMacsPerInference,
                  double analyticJoulesPerInference, double p50LatencyMillis, long stateFloats, String stateKind,
                  double wallSeconds) {

    double trainKwh() {
        return trainJoules / 3.6e6;
    }

    boolean hasBpc() {
        return !Double.isNaN(bpc);
    }
}

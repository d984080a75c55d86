package dev.joule.cli;

/**
 * One model's line of {@code joule compare}. Energies are IT energy (no PUE); sources name how each was
 * obtained ({@code rapl-pkg}, {@code model-cpu-time}, ...) and the estimate flags say when it is a model.
 *
 * @param accuracy              test accuracy, 0..1
 * @param trainSeconds          training time (steps only, evaluation excluded)
 * @param trainJoules           energy of the training window
 * @param joulesPerInference    energy of the measured inference window / images classified
 * @param inferenceBelowResolution the inference window was shorter than the meter's resolution
 * @param macsPerInference      analytic MACs of one image (the model's formula)
 * @param countedMacsPerInference MACs the kernels counted in the inference window / images
 * @param analyticJoulesPerInference Horowitz 45 nm fp32: counted MACs and other flops, counted bytes as SRAM traffic
 * @param p50LatencyMillis      median latency of one image at batch 1
 * @param stateFloats           recurrent state floats per stream, -1 when none
 */
record CompareRow(String model, long parameters, double accuracy, long steps, double trainSeconds,
                  double trainJoules, String trainSource, boolean trainEstimate,
                  double joulesPerInference, String inferenceSource, boolean inferenceEstimate,
                  boolean inferenceBelowResolution, long inferences,
                  long macsPerInference, long countedMacsPerInference, double analyticJoulesPerInference,
                  double p50LatencyMillis, long stateFloats) {

    double trainKwh() {
        return trainJoules / 3.6e6;
    }
}

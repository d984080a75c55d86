package dev.joule.onnx.embed;

/**
 * One throughput measurement of a sentence encoder: {@code sentences} embedded in batches of
 * {@code batch} in {@code wallSeconds}, using {@code cpuSeconds} of process CPU time (all threads,
 * native ones included).
 */
public record EmbedThroughput(String engine, int batch, int sentences, double wallSeconds, double cpuSeconds) {

    public double sentencesPerSecond() {
        return sentences / wallSeconds;
    }

    public double cpuSecondsPerSentence() {
        return cpuSeconds / sentences;
    }
}

package dev.joule.energy.track;

import dev.joule.energy.meter.MeterReading;

/** Receives every background sample of a run, on the sampler thread (never the measured code's thread). */
@FunctionalInterface
public interface SampleListener {
    /**
     * @param run the run being sampled
     * @param sinceStart energy since the run started; its {@code nanoTime} is the elapsed time
     */
    void onSample(EnergyRun run, MeterReading sinceStart);
}

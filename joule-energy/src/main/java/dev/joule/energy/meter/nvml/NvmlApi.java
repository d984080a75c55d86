package dev.joule.energy.meter.nvml;

import java.util.OptionalLong;

/** The few NVML calls the GPU meter needs, behind an interface so tests can stand in for a GPU. */
public interface NvmlApi extends AutoCloseable {
    int deviceCount();

    String deviceName(int index);

    /** {@code nvmlDeviceGetTotalEnergyConsumption} in mJ since driver load; empty when not supported (pre-Volta, vGPU). */
    OptionalLong totalEnergyMillijoules(int index);

    /** {@code nvmlDeviceGetPowerUsage} in mW; empty when it fails. */
    OptionalLong powerMilliwatts(int index);

    @Override
    default void close() {}
}

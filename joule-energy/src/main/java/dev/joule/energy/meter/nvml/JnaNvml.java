package dev.joule.energy.meter.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** NVML through JNA; {@link #load()} is empty when {@code libnvidia-ml.so} is absent or will not start. */
public final class JnaNvml implements NvmlApi {
    private static final int NVML_SUCCESS = 0;

    /** The C functions, by their versioned names as exported by libnvidia-ml. */
    public interface Lib extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        int nvmlDeviceGetCount_v2(IntByReference count);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference millijoules);

        int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);
    }

    private final Lib lib;
    private final List<Pointer> devices;

    private JnaNvml(Lib lib, List<Pointer> devices) {
        this.lib = lib;
        this.devices = devices;
    }

    /**
     * Loads and initialises NVML; any failure means "no NVIDIA GPU here", not an error. Without the
     * NVIDIA kernel driver JNA is not touched at all (no native library load, no JDK 24+ warning).
     */
    public static Optional<NvmlApi> load() {
        if (!Files.exists(Path.of("/proc/driver/nvidia/version")) && !Files.exists(Path.of("/dev/nvidiactl"))) {
            return Optional.empty();
        }
        Lib lib;
        try {
            lib = Native.load("nvidia-ml", Lib.class);
        } catch (Throwable e) {
            return Optional.empty();
        }
        try {
            if (lib.nvmlInit_v2() != NVML_SUCCESS) {
                return Optional.empty();
            }
            IntByReference count = new IntByReference();
            if (lib.nvmlDeviceGetCount_v2(count) != NVML_SUCCESS) {
                lib.nvmlShutdown();
                return Optional.empty();
            }
            List<Pointer> devices = new ArrayList<>();
            for (int i = 0; i < count.getValue(); i++) {
                PointerByReference handle = new PointerByReference();
                if (lib.nvmlDeviceGetHandleByIndex_v2(i, handle) == NVML_SUCCESS) {
                    devices.add(handle.getValue());
                }
            }
            return Optional.of(new JnaNvml(lib, devices));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    @Override
    public int deviceCount() {
        return devices.size();
    }

    @Override
    public String deviceName(int index) {
        byte[] buffer = new byte[96];
        if (lib.nvmlDeviceGetName(devices.get(index), buffer, buffer.length) != NVML_SUCCESS) {
            return "GPU " + index;
        }
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public OptionalLong totalEnergyMillijoules(int index) {
        LongByReference mj = new LongByReference();
        return lib.nvmlDeviceGetTotalEnergyConsumption(devices.get(index), mj) == NVML_SUCCESS
                ? OptionalLong.of(mj.getValue()) : OptionalLong.empty();
    }

    @Override
    public OptionalLong powerMilliwatts(int index) {
        IntByReference mw = new IntByReference();
        return lib.nvmlDeviceGetPowerUsage(devices.get(index), mw) == NVML_SUCCESS
                ? OptionalLong.of(Integer.toUnsignedLong(mw.getValue())) : OptionalLong.empty();
    }

    @Override
    public void close() {
        lib.nvmlShutdown();
    }
}

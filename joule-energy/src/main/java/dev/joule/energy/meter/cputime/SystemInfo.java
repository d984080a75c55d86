package dev.joule.energy.meter.cputime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * CPU model, memory size and CPU allotment as this process sees them, cgroup limits included (a
 * container must not be charged for the host's terabyte: CodeCarbon #629). Roots are injectable.
 */
public final class SystemInfo {
    private final Path procRoot;
    private final Path cgroupRoot;

    public SystemInfo(Path procRoot, Path cgroupRoot) {
        this.procRoot = procRoot;
        this.cgroupRoot = cgroupRoot;
    }

    public static SystemInfo system() {
        return new SystemInfo(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    /** The first {@code model name} of {@code /proc/cpuinfo}, or {@code os.arch} when absent. */
    public String cpuModel() {
        for (String line : lines(procRoot.resolve("cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown " + System.getProperty("os.arch");
    }

    /** Memory available to this process in bytes: the smaller of MemTotal and the cgroup limit. */
    public long memoryBytes() {
        long total = Long.MAX_VALUE;
        for (String line : lines(procRoot.resolve("meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        Optional<Long> limit = cgroupValue("memory.max", "memory", "memory.limit_in_bytes");
        long bytes = Math.min(total, limit.orElse(Long.MAX_VALUE));
        return bytes == Long.MAX_VALUE ? Runtime.getRuntime().maxMemory() : bytes;
    }

    /** Logical CPUs this process may use: available processors, capped by a cgroup CPU quota. */
    public double allottedCpus() {
        double cpus = Runtime.getRuntime().availableProcessors();
        for (String cg : cgroupPaths("")) {
            List<String> v2 = lines(cgroupRoot.resolve(cg).resolve("cpu.max"));
            if (!v2.isEmpty()) {
                String[] f = v2.get(0).trim().split("\\s+");
                if (f.length == 2 && !f[0].equals("max")) {
                    cpus = Math.min(cpus, Double.parseDouble(f[0]) / Double.parseDouble(f[1]));
                }
            }
        }
        for (String cg : cgroupPaths("cpu")) {
            Optional<Long> quota = readLong(cgroupRoot.resolve("cpu").resolve(cg).resolve("cpu.cfs_quota_us"));
            Optional<Long> period = readLong(cgroupRoot.resolve("cpu").resolve(cg).resolve("cpu.cfs_period_us"));
            if (quota.isPresent() && period.isPresent() && quota.get() > 0 && period.get() > 0) {
                cpus = Math.min(cpus, quota.get() / (double) period.get());
            }
        }
        return cpus;
    }

    private Optional<Long> cgroupValue(String v2File, String v1Controller, String v1File) {
        Optional<Long> best = Optional.empty();
        for (String cg : cgroupPaths("")) {
            best = min(best, readLong(cgroupRoot.resolve(cg).resolve(v2File)));
        }
        for (String cg : cgroupPaths(v1Controller)) {
            best = min(best, readLong(cgroupRoot.resolve(v1Controller).resolve(cg).resolve(v1File)));
        }
        return best;
    }

    private static Optional<Long> min(Optional<Long> a, Optional<Long> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : Optional.of(Math.min(a.get(), b.get()));
    }

    /**
     * Cgroup paths of this process for a v1 controller, or for the v2 hierarchy when {@code controller}
     * is empty, relative to the cgroup root. Also the root itself, as containers often mount their
     * own cgroup there.
     */
    private List<String> cgroupPaths(String controller) {
        java.util.List<String> paths = new java.util.ArrayList<>();
        for (String line : lines(procRoot.resolve("self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean match = controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : List.of(f[1].split(",")).contains(controller);
            if (match) {
                paths.add(f[2].startsWith("/") ? f[2].substring(1) : f[2]);
            }
        }
        paths.add("");
        return paths;
    }

    private static Optional<Long> readLong(Path file) {
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}

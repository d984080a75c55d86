package dev.joule.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once, at class initialisation, and logs the choice once:
 * {@code kernels: vector 512-bit} or {@code kernels: scalar (<reason>)}.
 *
 * <p>System properties, read once:
 * <ul>
 *   <li>{@code -Djoule.kernels=auto|vector|scalar} (default {@code auto}): {@code scalar} forces the
 *       reference; {@code vector} uses the Vector API even on a VM where it is slow (still needs
 *       the module); {@code auto} uses it when the module is present and the VM has C2.</li>
 *   <li>{@code -Djoule.vector.bits=128|256|512}: a narrower width than the CPU's preferred one.</li>
 * </ul>
 *
 * <p>No code here mentions {@code jdk.incubator.vector}: the vector classes are only touched after
 * the module check, so a JVM started without {@code --add-modules jdk.incubator.vector} still
 * loads this class and falls back to scalar.
 */
final class KernelSelection {
    private static final Logger LOG = LoggerFactory.getLogger(KernelSelection.class);
    private static final String MODULE = "jdk.incubator.vector";

    static final Kernels ACTIVE = choose();

    private KernelSelection() {}

    private static Kernels choose() {
        String mode = System.getProperty("joule.kernels", "auto").trim().toLowerCase(Locale.ROOT);
        String reason = scalarReason(mode, ModuleLayer.boot().findModule(MODULE).isPresent(), hasC2());
        Kernels chosen;
        if (reason == null) {
            chosen = VectorChoice.create(System.getProperty("joule.vector.bits"));
            LOG.info("kernels: {}", chosen.name());
        } else {
            chosen = new ScalarKernels();
            LOG.info("kernels: scalar ({})", reason);
        }
        return chosen;
    }

    /** Why the scalar kernels must be used, or null when the vector kernels may be. */
    static String scalarReason(String mode, boolean vectorModulePresent, boolean c2) {
        switch (mode) {
            case "scalar":
                return "forced by -Djoule.kernels=scalar";
            case "vector":
            case "auto":
                break;
            default:
                throw new IllegalArgumentException("-Djoule.kernels must be auto, vector or scalar, got '"
                        + mode + "'");
        }
        if (!vectorModulePresent) {
            return MODULE + " not readable; add --add-modules " + MODULE;
        }
        if (mode.equals("auto") && !c2) {
            return "the Vector API is slow without the C2 compiler (VM: "
                    + System.getProperty("java.vm.name") + "); force with -Djoule.kernels=vector";
        }
        return null;
    }

    /** C2 is what intrinsifies the Vector API; Graal JIT before 24, C1-only and interpreted VMs do not. */
    private static boolean hasC2() {
        String vmName = System.getProperty("java.vm.name", "");
        String vmInfo = System.getProperty("java.vm.info", "");
        if (!vmName.contains("Server VM") || vmInfo.contains("interpreted mode")) {
            return false;
        }
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return true; // jdk.management absent: assume the default HotSpot server compiler
        }
        if (hotspot == null || vmOption(hotspot, "UseJVMCICompiler", "false").equals("true")) {
            return hotspot == null;
        }
        return vmOption(hotspot, "TieredStopAtLevel", "4").equals("4")
                || vmOption(hotspot, "TieredCompilation", "true").equals("false");
    }

    private static String vmOption(HotSpotDiagnosticMXBean hotspot, String name, String fallback) {
        try {
            return hotspot.getVMOption(name).getValue();
        } catch (RuntimeException e) {
            return fallback; // this VM does not have the option
        }
    }
}

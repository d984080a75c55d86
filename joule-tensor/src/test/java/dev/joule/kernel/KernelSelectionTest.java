package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelSelectionTest {

    @Test
    void reasonsForScalar() {
        assertEquals("forced by -Djoule.kernels=scalar", KernelSelection.scalarReason("scalar", true, true));
        assertTrue(KernelSelection.scalarReason("auto", false, true).contains("--add-modules jdk.incubator.vector"));
        assertTrue(KernelSelection.scalarReason("vector", false, true).contains("not readable"));
        assertTrue(KernelSelection.scalarReason("auto", true, false).contains("C2"));
        assertNull(KernelSelection.scalarReason("vector", true, false));
        assertNull(KernelSelection.scalarReason("auto", true, true));
        assertThrows(IllegalArgumentException.class, () -> KernelSelection.scalarReason("fast", true, true));
    }

    @Test
    void narrowerWidthOnRequestAndWiderRejected() {
        assertEquals("vector 128-bit", VectorChoice.create("128").name());
        assertEquals(VectorKernels.preferredBits(), ((VectorKernels) VectorChoice.create(null)).bits());
        if (VectorKernels.preferredBits() < 512) {
            assertThrows(IllegalArgumentException.class, () -> VectorChoice.create("512"));
        }
        assertThrows(IllegalArgumentException.class, () -> VectorChoice.create("300"));
        assertThrows(IllegalArgumentException.class, () -> VectorChoice.create("wide"));
    }

    /** The real start-up path, in fresh JVMs: flags and a missing module decide the kernels. */
    @Test
    void freshJvmsChooseAsConfiguredAndLogOnce() throws Exception {
        String withModule = run(List.of("--add-modules", "jdk.incubator.vector", "-Djoule.vector.bits=256"));
        assertTrue(withModule.contains("active=vector 256-bit"), withModule);
        assertEquals(1, count(withModule, "kernels: vector 256-bit"), withModule);

        String forced = run(List.of("--add-modules", "jdk.incubator.vector", "-Djoule.kernels=scalar"));
        assertTrue(forced.contains("kernels: scalar (forced by -Djoule.kernels=scalar)"), forced);
        assertTrue(forced.contains("active=scalar"), forced);

        String noModule = run(List.of());
        assertTrue(noModule.contains("kernels: scalar (jdk.incubator.vector not readable"), noModule);
        assertTrue(noModule.contains("active=scalar"), noModule);
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    private static String run(List<String> jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrintActiveKernels.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** Entry point of the child JVMs above. */
    static final class PrintActiveKernels {
        public static void main(String[] args) {
            Kernels.get();
            System.out.println("active=" + Kernels.get().name());
        }
    }
}

package dev.joule.kernel.quant;

import dev.joule.kernel.CpuFlags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The selection rules of {@link QuantSelection}, with the native loader and self-test stood in. */
class QuantSelectionTest {
    private final QuantKernels java = new ScalarQuantKernels();
    private final QuantKernels fakeNative = new ScalarQuantKernels();
    private final AtomicInteger loads = new AtomicInteger();

    private Function<QuantKernels, NativeQuantKernels.Availability> loader(boolean available) {
        return weightOnly -> {
            loads.incrementAndGet();
            assertSame(java, weightOnly, "the native kernels delegate weight-only work to the Java choice");
            return available ? new NativeQuantKernels.Availability(fakeNative, null)
                    : NativeQuantKernels.Availability.missing("no library");
        };
    }

    private static Function<QuantKernels, Optional<String>> selfTest(boolean passes) {
        return k -> passes ? Optional.empty() : Optional.of("mismatch");
    }

    @Test
    void autoAndNativePickTheNativeKernelWhenItLoadsAndPassesItsSelfTest() {
        assertSame(fakeNative, QuantSelection.choose("auto", java, loader(true), selfTest(true)));
        assertSame(fakeNative, QuantSelection.choose("native", java, loader(true), selfTest(true)));
    }

    @Test
    void fallsBackToTheJavaChoiceWhenTheLibraryIsMissingOrTheSelfTestFails() {
        assertSame(java, QuantSelection.choose("auto", java, loader(false), selfTest(true)));
        assertSame(java, QuantSelection.choose("auto", java, loader(true), selfTest(false)));
        assertSame(java, QuantSelection.choose("native", java, loader(false), selfTest(true)));
        assertSame(java, QuantSelection.choose("native", java, loader(true), selfTest(false)));
    }

    @Test
    void aBindingThatDoesNotLinkFallsBack() {
        Function<QuantKernels, NativeQuantKernels.Availability> noJna = k -> {
            throw new NoClassDefFoundError("com/sun/jna/Pointer");
        };
        assertSame(java, QuantSelection.choose("auto", java, noJna, selfTest(true)));
    }

    @Test
    void vectorAndScalarNeverLoadTheLibrary() {
        assertSame(java, QuantSelection.choose("vector", java, loader(true), selfTest(true)));
        assertSame(java, QuantSelection.choose("scalar", java, loader(true), selfTest(true)));
        assertEquals(0, loads.get());
    }

    @Test
    void rejectsUnknownModes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantSelection.choose("gpu", java, loader(true), selfTest(true)));
        assertTrue(e.getMessage().contains("auto, native, vector or scalar"), e.getMessage());
    }

    @Test
    void cpuFlagsComeFromTheFlagsLine() {
        String cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx512f avx512bw avx512_vnni\n";
        assertEquals(Set.of("fpu", "avx512f", "avx512bw", "avx512_vnni"), CpuFlags.parse(cpuinfo));
        assertEquals(Set.of(), CpuFlags.parse("processor\t: 0\n"));
    }
}

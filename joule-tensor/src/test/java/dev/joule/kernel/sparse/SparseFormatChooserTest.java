package dev.joule.kernel.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.sparse.SparseFormatChooser.Choice;
import dev.joule.kernel.sparse.SparseFormatChooser.Format;
import dev.joule.kernel.sparse.SparseFormatChooser.Structure;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SparseFormatChooserTest {

    private static SparseFormatChooser synthetic() {
        Properties p = new Properties();
        p.setProperty("source", "test table");
        p.setProperty("speedup.csr.batch1", "0.5=0.4 0.25=0.8 0.1=2.0 0.05=4.0");
        p.setProperty("speedup.csr.batch32", "0.5=1.5 0.25=3 0.1=6 0.05=9");
        p.setProperty("speedup.nm.batch1", "0.5=0.9 0.25=1.6 0.1=3 0.05=5");
        p.setProperty("speedup.nm.batch32", "0.5=1.2 0.25=2 0.1=4 0.05=6");
        p.setProperty("speedup.block.batch1", "0.5=1.8 0.25=3.5 0.1=8 0.05=14");
        p.setProperty("speedup.block.batch32", "0.5=1.6 0.25=3 0.1=7 0.05=12");
        return new SparseFormatChooser(p);
    }

    @Test
    void interpolatesInLogDensityAndFindsTheBreakEven() {
        SparseFormatChooser c = synthetic();
        assertEquals(2.0, c.predictedSpeedup(Format.CSR, 1, 0.1), 1e-12);
        double mid = Math.sqrt(0.25 * 0.1); // halfway in log-density
        assertEquals(1.4, c.predictedSpeedup(Format.CSR, 1, mid), 1e-9);
        // 0.8 at 0.25, 2.0 at 0.1: speedup 1 one sixth of the way (in log-density) from 0.25 to 0.1.
        double expected = Math.exp(Math.log(0.25) + (1.0 / 6) * Math.log(0.1 / 0.25));
        assertEquals(expected, c.breakEvenDensity(Format.CSR, 1), 1e-9);
        assertEquals(4.0, c.predictedSpeedup(Format.CSR, 1, 0.01), 1e-12); // held below the table
        assertEquals(0.75, c.predictedSpeedup(Format.CSR, 32, 1.0), 1e-12); // ∝ 1/density above it
        assertEquals(0.75, c.breakEvenDensity(Format.CSR, 32), 1e-12);
    }

    @Test
    void picksDenseBelowTheBreakEvenAndSaysWhy() {
        Choice dense = synthetic().choose(1024, 1024, 1, 0.4, Structure.UNSTRUCTURED);
        assertEquals(Format.DENSE, dense.format());
        assertTrue(dense.reason().startsWith("dense 1024x1024: best sparse format csr"), dense.reason());
        assertTrue(dense.reason().contains("break-even density 0.2"), dense.reason());
        Choice csr = synthetic().choose(1024, 1024, 1, 0.1, Structure.UNSTRUCTURED);
        assertEquals(Format.CSR, csr.format());
        assertTrue(csr.reason().contains("predicted 2.00x faster than dense"), csr.reason());
    }

    @Test
    void structureDecidesTheCandidatesAndBatchTheTable() {
        SparseFormatChooser c = synthetic();
        // 2:4 at batch 1: n:m 0.9x, csr 0.4x -> dense; at 0.25 (1:4) n:m 1.6x beats csr 0.8x.
        assertEquals(Format.DENSE, c.choose(64, 64, 1, 0.5, Structure.NM).format());
        assertEquals(Format.NM, c.choose(64, 64, 1, 0.25, Structure.NM).format());
        // batch 32 at 0.5: csr 1.5x beats n:m 1.2x.
        assertEquals(Format.CSR, c.choose(64, 64, 32, 0.5, Structure.NM).format());
        assertEquals(Format.BLOCK, c.choose(64, 64, 1, 0.25, Structure.BLOCK).format());
        assertEquals(Format.CSR, c.choose(64, 64, 64, 0.25, Structure.UNSTRUCTURED).format());
        assertTrue(c.choose(64, 64, 8, 0.25, Structure.UNSTRUCTURED).reason().contains("table batch 32"));
        assertTrue(c.choose(64, 64, 4, 0.25, Structure.UNSTRUCTURED).reason().contains("table batch 1"));
        assertThrows(IllegalArgumentException.class, () -> c.choose(4, 4, 0, 0.5, Structure.NM));
    }

    @Test
    void aTableWithoutAFormatIsRejected() {
        Properties p = new Properties();
        p.setProperty("speedup.csr.batch1", "0.5=1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparseFormatChooser(p));
        assertTrue(e.getMessage().contains("speedup.nm.batch"), e.getMessage());
    }

    @Test
    void theShippedMeasuredTableLoadsAndKeepsUnstructuredBatchOneDense() {
        SparseFormatChooser c = SparseFormatChooser.measured();
        assertTrue(c.source().contains("SparseMatvecBenchmark"), c.source());
        // Measured: CSR at batch 1 only breaks even below ~7.5 % density; block 4x16 pays at 90 %.
        assertEquals(Format.DENSE, c.choose(1024, 1024, 1, 0.1, Structure.UNSTRUCTURED).format());
        assertEquals(Format.BLOCK, c.choose(1024, 1024, 1, 0.1, Structure.BLOCK).format());
        assertEquals(Format.CSR, c.choose(1024, 1024, 32, 0.1, Structure.UNSTRUCTURED).format());
        for (Format f : new Format[] {Format.CSR, Format.NM, Format.BLOCK}) {
            for (int batch : new int[] {1, 32}) {
                double d = c.breakEvenDensity(f, batch);
                assertTrue(d >= 0 && d <= 1, f + " batch " + batch + ": " + d);
            }
        }
    }
}

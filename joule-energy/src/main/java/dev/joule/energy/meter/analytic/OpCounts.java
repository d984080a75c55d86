package dev.joule.energy.meter.analytic;

/**
 * Operation counts as plain numbers, so that any engine can report them without depending on Joule.
 *
 * @param macs multiply-accumulates (a multiply and an add)
 * @param accumulates additions without a multiply: spike accumulates (ACs) in a spiking network
 * @param otherFlops any other arithmetic operation, charged as one add each
 * @param sramBytes bytes read or written in on-chip memory (caches, registers spilled)
 * @param dramBytes bytes moved to or from main memory
 * @param precision the arithmetic the ops ran in
 */
public record OpCounts(long macs, long accumulates, long otherFlops, long sramBytes, long dramBytes, Precision precision) {

    public OpCounts {
        if (macs < 0 || accumulates < 0 || otherFlops < 0 || sramBytes < 0 || dramBytes < 0) {
            throw new IllegalArgumentException("op counts must be >= 0, got macs=" + macs + " acs=" + accumulates
                    + " flops=" + otherFlops + " sram=" + sramBytes + " dram=" + dramBytes);
        }
    }

    public static OpCounts fp32(long macs, long otherFlops, long dramBytes) {
        return new OpCounts(macs, 0, otherFlops, 0, dramBytes, Precision.FP32);
    }

    public OpCounts plus(OpCounts other) {
        if (other.precision != precision) {
            throw new IllegalArgumentException("cannot add " + other.precision + " counts to " + precision
                    + " counts; keep one OpCounts per precision");
        }
        return new OpCounts(macs + other.macs, accumulates + other.accumulates, otherFlops + other.otherFlops,
                sramBytes + other.sramBytes, dramBytes + other.dramBytes, precision);
    }

    /** The arithmetic precision whose per-op energies apply. */
    public enum Precision { FP32, FP16, INT8, INT32 }
}

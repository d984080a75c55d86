package dev.joule.compress;

import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.kernel.forms.SparseWeights;
import dev.joule.kernel.sparse.CsrMatrix;
import dev.joule.kernel.sparse.NmMatrix;
import java.util.Locale;

/**
 * A quantized layer that runs in f32: the codes are what is stored (and saved), their dequantized matrix is
 * what the kernel multiplies. This is the form a layer gets when every integer kernel measured slower than
 * an f32 one at its shape — "storage only" in the report — and the results are exactly those of the
 * weight-only integer kernel up to summation order, because the f32 kernel multiplies the same weights.
 */
public final class DequantizedForm implements LinearWeights {

    /** Which f32 kernel runs the dequantized matrix. */
    public enum Kind {
        /** The dense gemm over the whole matrix. */
        DENSE,
        /** The dense gemm over the kept rows × columns of a structured-pruned matrix (stored form must be shrunk). */
        SHRUNK,
        /** CSR over the nonzeros. */
        CSR,
        /** 2:4 over the kept pairs. */
        NM_2_4;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown f32 kernel kind '" + id + "'; expected dense, shrunk, csr or nm-2-4");
        }
    }

    private final LinearWeights stored;
    private final Kind kind;
    private final LinearWeights runs;

    private DequantizedForm(LinearWeights stored, Kind kind, LinearWeights runs) {
        this.stored = stored;
        this.kind = kind;
        this.runs = runs;
    }

    /** Runs {@code stored}'s dequantized matrix through the f32 kernel {@code kind}. */
    public static DequantizedForm of(LinearWeights stored, Kind kind) {
        if (kind == Kind.SHRUNK && !(stored instanceof ShrunkWeights)) {
            throw new IllegalArgumentException("the shrunk f32 kernel needs a shrunk stored form, got " + stored.format());
        }
        ShrunkWeights s = stored instanceof ShrunkWeights sw ? sw : null;
        LinearWeights runs = f32(kind, stored.toDense(), stored.outFeatures(), stored.inFeatures(),
                s == null ? null : s.keptRows(), s == null ? null : s.keptCols());
        return new DequantizedForm(stored, kind, runs);
    }

    /**
     * The f32 form of kind {@code kind} over {@code w [out, in]}; {@code keptRows}/{@code keptCols} are used by
     * {@link Kind#SHRUNK} only.
     */
    static LinearWeights f32(Kind kind, float[] w, int out, int in, int[] keptRows, int[] keptCols) {
        return switch (kind) {
            case DENSE -> new DenseWeights(out, in, w);
            case SHRUNK -> ShrunkWeights.of(w, out, in, keptRows, keptCols);
            case CSR -> SparseWeights.of(CsrMatrix.fromDense(w, 0, out, in, 0f));
            case NM_2_4 -> SparseWeights.of(NmMatrix.fromDense(w, 0, out, in, 2, 4));
        };
    }

    /** The quantized form whose codes are stored. */
    public LinearWeights stored() {
        return stored;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public int outFeatures() {
        return runs.outFeatures();
    }

    @Override
    public int inFeatures() {
        return runs.inFeatures();
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        runs.multiply(x, xOff, rows, y, yOff);
    }

    @Override
    public String format() {
        return stored.format() + " (runs dequantized)";
    }

    @Override
    public String kernel() {
        return runs.kernel() + " on dequantized " + stored.format();
    }

    @Override
    public long storedBytes() {
        return stored.storedBytes();
    }

    @Override
    public long macsPerRow() {
        return runs.macsPerRow();
    }

    @Override
    public float[] toDense() {
        return runs.toDense();
    }

    /** The f32 shrunk form it runs when its kind is {@link Kind#SHRUNK}. */
    @Override
    public ShrunkWeights shrunk() {
        return runs.shrunk();
    }
}

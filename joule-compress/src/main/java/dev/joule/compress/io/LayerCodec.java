package dev.joule.compress.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.RawTensor;
import dev.joule.compress.DequantizedForm;
import dev.joule.compress.quant.QuantForms;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.kernel.forms.SparseWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.sparse.BlockSparseMatrix;
import dev.joule.kernel.sparse.CsrMatrix;
import dev.joule.kernel.sparse.NmMatrix;
import dev.joule.kernel.sparse.SparseMatrix;
import java.util.Map;

/**
 * How one layer's inference form is stored: tensors named after the weight plus a JSON descriptor
 * in config.json. The form is rebuilt from them at load, so the loaded model runs the same kernel on
 * the same numbers.
 * <pre>
 *   form     descriptor                                   tensors (prefix = the weight's name)
 *   int8     {form:int8, scheme, storage}                 prefix.q8 I8 [out, in]  or  prefix.q8.mask U8 + prefix.q8.nz I8
 *                                                         prefix.scale F32 [out]; w8a8-static: prefix.act_scale F32 [1]
 *   int4     {form:int4, scheme}                          prefix.q4 U8 [out, blocks·16], prefix.scale F32 [out, blocks]
 *   f32      {form:f32, storage}                          prefix.f32 F32 [out, in]  or  prefix.f32.mask U8 + prefix.f32.nz F32
 *   sparse   {form:sparse, sparse:csr|n:m|block, ...}     as f32 (the zeros give the pattern back)
 *   shrunk   {form:shrunk, small:{...}}                   prefix.rows I32, prefix.cols I32, the small form under prefix.small
 * </pre>
 * A {@link DequantizedForm} (quantized codes run by an f32 kernel) is stored as its stored form with
 * {@code "run": "dense" | "shrunk" | "csr" | "nm-2-4"} added; the loader wraps the decoded form again.
 * The bitmask storage (one bit per weight, then only the nonzero codes/values) is chosen whenever it is
 * smaller, which is what makes a pruned int8 layer cost about {@code n/8 + nnz} bytes.
 */
final class LayerCodec {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LayerCodec() {}

    /** Whether {@link #encode} stores this form as itself (otherwise the caller keeps the f32 value). */
    static boolean supports(LinearWeights form) {
        if (form instanceof DequantizedForm f) {
            return supports(f.stored());
        }
        return form instanceof Int8Weights || form instanceof Int4Weights || form instanceof DenseWeights
                || form instanceof SparseWeights || (form instanceof ShrunkWeights s && supports(s.small()));
    }

    static ObjectNode encode(String prefix, LinearWeights form, Map<String, RawTensor> out) {
        if (form instanceof DequantizedForm f) {
            // Stored as its quantized form; "run" names the f32 kernel the loader puts back in front of it.
            ObjectNode d = encode(prefix, f.stored(), out);
            d.put("run", f.kind().id());
            d.put("format", form.format());
            d.put("kernel", form.kernel());
            return d;
        }
        ObjectNode d = JSON.objectNode();
        d.putArray("shape").add(form.outFeatures()).add(form.inFeatures());
        d.put("format", form.format());
        d.put("kernel", form.kernel());
        d.put("storedBytes", form.storedBytes());
        if (form instanceof Int8Weights f) {
            d.put("form", "int8");
            d.put("scheme", scheme(f).id());
            Int8Matrix m = f.matrix();
            d.put("storage", putCodes(prefix + ".q8", m.codes(), m.rows(), m.cols(), out));
            out.put(prefix + ".scale", RawTensor.f32(m.scales(), m.rows()));
            if (f.scheme() == Int8Weights.Scheme.W8A8_STATIC) {
                out.put(prefix + ".act_scale", RawTensor.f32(new float[] {f.activationScale()}, 1));
            }
        } else if (form instanceof Int4Weights f) {
            d.put("form", "int4");
            d.put("scheme", QuantScheme.INT4_WEIGHT.id());
            Int4Matrix m = f.matrix();
            out.put(prefix + ".q4", RawTensor.u8(m.packed(), m.rows(), m.blocksPerRow() * Int4Matrix.BLOCK_BYTES));
            out.put(prefix + ".scale", RawTensor.f32(m.scales(), m.rows(), m.blocksPerRow()));
        } else if (form instanceof ShrunkWeights f) {
            d.put("form", "shrunk");
            d.put("keptRows", f.keptRows().length);
            d.put("keptCols", f.keptCols().length);
            out.put(prefix + ".rows", RawTensor.i32(f.keptRows(), f.keptRows().length));
            out.put(prefix + ".cols", RawTensor.i32(f.keptCols(), f.keptCols().length));
            d.set("small", encode(prefix + ".small", f.small(), out));
        } else if (form instanceof SparseWeights f) {
            d.put("form", "sparse");
            SparseMatrix m = f.matrix();
            if (m instanceof NmMatrix nm) {
                d.put("sparse", "n:m").put("n", nm.n()).put("m", nm.m());
            } else if (m instanceof BlockSparseMatrix b) {
                d.put("sparse", "block").put("blockRows", b.blockRows()).put("blockCols", b.blockCols());
            } else {
                d.put("sparse", "csr");
            }
            d.put("storage", putFloats(prefix + ".f32", m.toDense(), form.outFeatures(), form.inFeatures(), out));
        } else {
            d.put("form", "f32");
            d.put("storage", putFloats(prefix + ".f32", form.toDense(), form.outFeatures(), form.inFeatures(), out));
        }
        return d;
    }

    private static QuantScheme scheme(Int8Weights f) {
        return switch (f.scheme()) {
            case W8A8_DYNAMIC -> QuantScheme.W8A8;
            case W8A8_STATIC -> QuantScheme.W8A8_STATIC;
            case WEIGHT_ONLY -> QuantScheme.INT8_WEIGHT;
        };
    }

    private static String putCodes(String name, byte[] codes, int rows, int cols, Map<String, RawTensor> out) {
        byte[] mask = Bitmask.ofNonzero(codes);
        int nnz = Bitmask.count(mask, codes.length);
        if ((long) mask.length + nnz < codes.length) {
            out.put(name + ".mask", RawTensor.u8(mask, mask.length));
            out.put(name + ".nz", RawTensor.i8(Bitmask.gather(codes, mask), nnz));
            return "bitmask";
        }
        out.put(name, RawTensor.i8(codes, rows, cols));
        return "dense";
    }

    private static String putFloats(String name, float[] values, int rows, int cols, Map<String, RawTensor> out) {
        byte[] mask = Bitmask.ofNonzero(values);
        int nnz = Bitmask.count(mask, values.length);
        if ((long) mask.length + 4L * nnz < 4L * values.length) {
            out.put(name + ".mask", RawTensor.u8(mask, mask.length));
            out.put(name + ".nz", RawTensor.f32(Bitmask.gather(values, mask), nnz));
            return "bitmask";
        }
        out.put(name, RawTensor.f32(values, rows, cols));
        return "dense";
    }

    /** Rebuilds the form stored under {@code prefix} from {@code src}'s tensors. */
    static LinearWeights decode(String prefix, JsonNode d, TensorSource src) {
        LinearWeights stored = decodeStored(prefix, d, src);
        if (!d.has("run")) {
            return stored;
        }
        String run = d.path("run").asText();
        return src.check(prefix, () -> DequantizedForm.of(stored, DequantizedForm.Kind.parse(run)));
    }

    private static LinearWeights decodeStored(String prefix, JsonNode d, TensorSource src) {
        int out = d.path("shape").path(0).asInt(-1);
        int in = d.path("shape").path(1).asInt(-1);
        String form = d.path("form").asText("");
        switch (form) {
            case "int8" -> {
                byte[] codes = "bitmask".equals(d.path("storage").asText())
                        ? src.check(prefix, () -> Bitmask.scatter(src.bytes(prefix + ".q8.nz"), src.bytes(prefix + ".q8.mask"), out * in))
                        : src.bytes(prefix + ".q8");
                float[] scales = src.floats(prefix + ".scale");
                Int8Matrix m = src.check(prefix, () -> new Int8Matrix(out, in, codes, scales));
                ScaleChecks.int8(src.file(), prefix + ".scale", m);
                QuantScheme scheme = QuantScheme.parse(d.path("scheme").asText());
                float act = Float.NaN;
                if (scheme == QuantScheme.W8A8_STATIC) {
                    act = ScaleChecks.activation(src.file(), prefix + ".act_scale", src.floats(prefix + ".act_scale"));
                }
                return QuantForms.of(scheme, m, null, act);
            }
            case "int4" -> {
                byte[] packed = src.bytes(prefix + ".q4");
                float[] scales = src.floats(prefix + ".scale");
                Int4Matrix m = src.check(prefix, () -> new Int4Matrix(out, in, packed, scales));
                ScaleChecks.int4(src.file(), prefix + ".scale", m);
                return QuantForms.of(QuantScheme.INT4_WEIGHT, null, m, Float.NaN);
            }
            case "shrunk" -> {
                int[] rows = src.ints(prefix + ".rows");
                int[] cols = src.ints(prefix + ".cols");
                LinearWeights small = decodeStored(prefix + ".small", d.path("small"), src);
                return src.check(prefix, () -> ShrunkWeights.of(out, in, rows, cols, small));
            }
            case "sparse" -> {
                float[] w = floats(prefix + ".f32", d, out, in, src);
                return src.check(prefix, () -> SparseWeights.of(sparse(d, w, out, in)));
            }
            case "f32" -> {
                return new DenseWeights(out, in, floats(prefix + ".f32", d, out, in, src));
            }
            default -> throw new CheckpointException(src.configFile() + ": layer '" + prefix + "' has form '" + form
                    + "', which this Joule does not know (int8, int4, f32, sparse, shrunk); re-run joule compress");
        }
    }

    private static SparseMatrix sparse(JsonNode d, float[] w, int out, int in) {
        return switch (d.path("sparse").asText("csr")) {
            case "n:m" -> NmMatrix.fromDense(w, 0, out, in, d.path("n").asInt(), d.path("m").asInt());
            case "block" -> BlockSparseMatrix.fromDense(w, 0, out, in, d.path("blockRows").asInt(), d.path("blockCols").asInt(), 0f);
            default -> CsrMatrix.fromDense(w, 0, out, in, 0f);
        };
    }

    private static float[] floats(String name, JsonNode d, int out, int in, TensorSource src) {
        return "bitmask".equals(d.path("storage").asText())
                ? src.check(name, () -> Bitmask.scatter(src.floats(name + ".nz"), src.bytes(name + ".mask"), out * in))
                : src.floats(name);
    }
}

package dev.joule.onnx;

/**
 * The element types Joule's ONNX executor holds. Floating point data lives in Joule {@code Tensor}s
 * (f32); integers and booleans, which in encoder graphs only carry token ids, masks and shapes, live in
 * {@code long[]} (booleans as 0/1), as do the int8/uint8 codes of quantized (QDQ) weights.
 */
public enum ElementType {
    FLOAT(1),
    INT32(6),
    INT64(7),
    BOOL(9),
    /** Quantized weights (QDQ files): codes for DequantizeLinear. */
    INT8(3),
    UINT8(2);

    private final int onnxCode;

    ElementType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    /** The {@code TensorProto.DataType} number of this type. */
    public int onnxCode() {
        return onnxCode;
    }

    /** The type for an ONNX data-type number, or an {@link OnnxException} naming {@code what}. */
    public static ElementType ofOnnx(int code, String what) {
        for (ElementType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new OnnxException(what + ": element type " + code + " (" + onnxName(code)
                + ") is not supported; Joule runs float, int32, int64, bool, int8 and uint8 tensors");
    }

    static String onnxName(int code) {
        String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
            "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
        return code >= 0 && code < names.length ? names[code] : "unknown";
    }
}

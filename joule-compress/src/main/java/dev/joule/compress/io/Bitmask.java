package dev.joule.compress.io;

/**
 * Zero-run storage for pruned matrices: a bitmask with one bit per element (bit {@code i % 8} of byte
 * {@code i / 8}, least significant first; 1 = stored) and the stored elements in index order. A 50 %
 * pruned int8 matrix then takes {@code n/8 + n/2} bytes instead of {@code n}.
 */
final class Bitmask {
    private Bitmask() {}

    /** Bytes of a mask for {@code n} elements. */
    static int maskBytes(long n) {
        return (int) ((n + 7) / 8);
    }

    static byte[] ofNonzero(byte[] codes) {
        byte[] mask = new byte[maskBytes(codes.length)];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] != 0) {
                mask[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return mask;
    }

    static byte[] ofNonzero(float[] values) {
        byte[] mask = new byte[maskBytes(values.length)];
        for (int i = 0; i < values.length; i++) {
            // Raw bits, so -0.0 is kept as stored and the round trip is bit-exact.
            if (Float.floatToRawIntBits(values[i]) != 0) {
                mask[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return mask;
    }

    static int count(byte[] mask, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += (mask[i >>> 3] >>> (i & 7)) & 1;
        }
        return c;
    }

    static boolean isSet(byte[] mask, int i) {
        return ((mask[i >>> 3] >>> (i & 7)) & 1) != 0;
    }

    static byte[] gather(byte[] codes, byte[] mask) {
        byte[] out = new byte[count(mask, codes.length)];
        for (int i = 0, k = 0; i < codes.length; i++) {
            if (isSet(mask, i)) {
                out[k++] = codes[i];
            }
        }
        return out;
    }

    static float[] gather(float[] values, byte[] mask) {
        float[] out = new float[count(mask, values.length)];
        for (int i = 0, k = 0; i < values.length; i++) {
            if (isSet(mask, i)) {
                out[k++] = values[i];
            }
        }
        return out;
    }

    static byte[] scatter(byte[] stored, byte[] mask, int n) {
        checkCounts(stored.length, mask, n);
        byte[] out = new byte[n];
        for (int i = 0, k = 0; i < n; i++) {
            if (isSet(mask, i)) {
                out[i] = stored[k++];
            }
        }
        return out;
    }

    static float[] scatter(float[] stored, byte[] mask, int n) {
        checkCounts(stored.length, mask, n);
        float[] out = new float[n];
        for (int i = 0, k = 0; i < n; i++) {
            if (isSet(mask, i)) {
                out[i] = stored[k++];
            }
        }
        return out;
    }

    private static void checkCounts(int stored, byte[] mask, int n) {
        if (mask.length != maskBytes(n)) {
            throw new IllegalArgumentException("bitmask has " + mask.length + " bytes, " + n + " elements need " + maskBytes(n));
        }
        int set = count(mask, n);
        if (set != stored) {
            throw new IllegalArgumentException("bitmask marks " + set + " stored elements but " + stored + " are stored");
        }
    }
}

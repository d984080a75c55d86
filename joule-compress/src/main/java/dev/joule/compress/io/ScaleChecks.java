package dev.joule.compress.io;

import dev.joule.checkpoint.CheckpointException;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;

/**
 * Scales are checked at load beyond their CRC: a scale must be finite and positive. The one exception is
 * exactly 0 for a row (int8) or block (int4) whose codes are all 0 — the quantizer's scale for an
 * all-zero (pruned) row; any other zero or negative scale is corruption.
 */
final class ScaleChecks {
    private ScaleChecks() {}

    static void int8(String file, String tensor, Int8Matrix m) {
        float[] s = m.scales();
        byte[] q = m.codes();
        int cols = m.cols();
        for (int o = 0; o < s.length; o++) {
            if (s[o] == 0f && allZero(q, o * cols, cols)) {
                continue;
            }
            check(file, tensor, s[o], o);
        }
    }

    static void int4(String file, String tensor, Int4Matrix m) {
        float[] s = m.scales();
        int blocks = m.blocksPerRow();
        for (int k = 0; k < s.length; k++) {
            if (s[k] == 0f && blockZero(m, k / blocks, k % blocks)) {
                continue;
            }
            check(file, tensor, s[k], k);
        }
    }

    static float activation(String file, String tensor, float[] s) {
        if (s.length != 1) {
            throw new CheckpointException(file + ": scale tensor '" + tensor + "' has " + s.length
                    + " values, expected 1; the checkpoint is corrupted: re-run joule compress");
        }
        check(file, tensor, s[0], 0);
        return s[0];
    }

    private static void check(String file, String tensor, float v, int index) {
        if (!Float.isFinite(v) || v <= 0f) {
            throw new CheckpointException(file + ": scale tensor '" + tensor + "' holds " + v + " at index " + index
                    + " (scales must be finite and > 0); the checkpoint is corrupted: re-run joule compress");
        }
    }

    private static boolean allZero(byte[] q, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (q[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean blockZero(Int4Matrix m, int row, int block) {
        int from = block * Int4Matrix.BLOCK;
        for (int i = from; i < Math.min(m.cols(), from + Int4Matrix.BLOCK); i++) {
            if (m.code(row, i) != 0) {
                return false;
            }
        }
        return true;
    }
}

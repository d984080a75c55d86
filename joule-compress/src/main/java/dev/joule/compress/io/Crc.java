package dev.joule.compress.io;

import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.RawTensor;
import dev.joule.checkpoint.SafeTensors;
import java.util.Map;
import java.util.zip.CRC32;

/** CRC32 of each tensor's stored bytes, kept in the safetensors metadata as {@code "crc32:<tensor>": "1a2b3c4d"}. */
final class Crc {
    private Crc() {}

    static String hex(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return String.format("%08x", crc.getValue());
    }

    /** Every tensor must have its CRC recorded and match it. */
    static void verify(String file, SafeTensors.RawContents contents) {
        for (Map.Entry<String, RawTensor> e : contents.tensors().entrySet()) {
            String name = e.getKey();
            String stored = contents.metadata().get(CompressedCheckpoint.CRC_PREFIX + name);
            String kind = name.endsWith("scale") ? "scale tensor" : "tensor";
            if (stored == null) {
                throw new CheckpointException(file + ": " + kind + " '" + name + "' has no CRC32 in the metadata;"
                        + " the file was not written by joule compress or was edited: re-run joule compress");
            }
            String actual = hex(e.getValue().data());
            if (!stored.equalsIgnoreCase(actual)) {
                throw new CheckpointException(file + ": " + kind + " '" + name + "' is corrupted (CRC32 " + actual
                        + ", recorded " + stored + "); the file changed after it was written: re-run joule compress");
            }
        }
    }
}

/**
 * The compressed checkpoint ({@link dev.joule.compress.io.CompressedCheckpoint}): config.json with a
 * versioned "compression" section and a safetensors file holding each layer's form as int8 codes,
 * int4 nibbles, bitmasks, index lists and scales, every tensor guarded by a CRC32.
 */
package dev.joule.compress.io;

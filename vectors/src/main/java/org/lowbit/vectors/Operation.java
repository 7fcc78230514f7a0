package org.lowbit.vectors;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The operation a vector file tests; one file holds one operation (FORMAT.md §2). */
public enum Operation {
    /** Element code to its exact FP32 value. */
    DECODE("decode"),
    /** An FP32, BF16 or FP16 value to an element code, under an element profile. */
    ENCODE("encode"),
    /** A tensor of source values to block scales, element codes and dequantized values, under a block profile. */
    QUANTIZE("quantize"),
    /** Element codes in logical order to the bytes of an element layout. */
    PACK("pack"),
    /** A row-major matrix of one-byte block scales to the bytes of a scale layout (suite version 0.2.0). */
    SCALE_PACK("scale-pack"),
    /** Integer codes (and zero points or GGUF block fields) to the tensors of a weight layout (suite version 0.2.0). */
    WEIGHT_PACK("weight-pack"),
    /** A tensor to codes, scales, zeros and dequantized values under a scaled format and profile (0.2.0). */
    SCALED_QUANTIZE("scaled-quantize");

    private final String id;

    Operation(String id) {
        this.id = id;
    }

    /** The id in files and on the command line: {@code decode}, {@code encode}, ... */
    public String id() { return id; }

    /**
     * @throws IllegalArgumentException naming the known operations
     */
    public static Operation byId(String id) {
        for (Operation o : values()) {
            if (o.id.equals(id)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + id + "'; known: "
                + Arrays.stream(values()).map(Operation::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() { return id; }
}

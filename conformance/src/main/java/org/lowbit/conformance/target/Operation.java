package org.lowbit.conformance.target;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a target can be asked to do. The ids are the ones the capability manifest, the process
 * protocol ({@code harness/PROTOCOL.md}) and the reports use.
 */
public enum Operation {
    /** Element encode: source bit patterns to element codes (SPEC.md §3). */
    ENCODE("encode"),
    /** Element decode: element codes to FP32 bit patterns (SPEC.md §1). */
    DECODE("decode"),
    /** Block quantize, MX and NVFP4 (SPEC.md §8). */
    QUANTIZE("quantize"),
    /** Block dequantize, MX and NVFP4 (SPEC.md §8.7). */
    DEQUANTIZE("dequantize"),
    /** Scaled-format quantize: INT8, FP8 and INT4 with per-tensor/channel/token/group/block scales (SPEC.md §11). */
    SCALED_QUANTIZE("scaled-quantize"),
    /** Scaled-format dequantize (SPEC.md §11.4). */
    SCALED_DEQUANTIZE("scaled-dequantize");

    private final String id;

    Operation(String id) {
        this.id = id;
    }

    public String id() { return id; }

    /** @throws IllegalArgumentException naming the known operations */
    public static Operation byId(String id) {
        for (Operation op : values()) {
            if (op.id.equals(id)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + id + "'; known: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Operation::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}

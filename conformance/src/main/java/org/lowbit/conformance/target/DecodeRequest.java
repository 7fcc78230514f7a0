package org.lowbit.conformance.target;

import java.util.Objects;
import org.lowbit.spec.ElementFormat;

/**
 * Decode element codes to FP32 (SPEC.md §1). The target answers with 4 little-endian bytes per code.
 *
 * @param format the element format
 * @param codes  one code per byte, in the low bits
 */
public record DecodeRequest(ElementFormat format, byte[] codes) {
    public DecodeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(codes, "codes");
    }
}

package org.lowbit.harness.bench;

import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.SourceFormat;

/**
 * One benchmark: quantize {@code precision} values into {@code format}, or dequantize {@code format} into
 * {@code precision} values, under the profile ocp-mx-1.0, with unpacked codes and row-major scales.
 *
 * @param quantize  quantize rather than dequantize
 * @param format    the MX format
 * @param precision the source (quantize) or output (dequantize) precision
 */
public record BenchCase(boolean quantize, BlockFormat format, SourceFormat precision) {

    /** The name used in tables, JSON and gates: {@code quantize f32->mxfp8_e4m3}, {@code dequantize mxfp4->f32}. */
    public String name() {
        return quantize ? "quantize " + precision.id() + "->" + format.id() : "dequantize " + format.id() + "->" + precision.id();
    }

    /** Bytes read plus bytes written for {@code elements} elements (value bytes, one code byte each, one scale byte per block). */
    public long bytesMoved(long elements) {
        return elements * precision.bytes() + elements + elements / format.blockSize();
    }
}

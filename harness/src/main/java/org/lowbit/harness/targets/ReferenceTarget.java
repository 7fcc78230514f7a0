package org.lowbit.harness.targets;

import org.lowbit.conformance.ElementTarget;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SourceFormat;

/** The built-in target: the reference module's fast integer codec. */
public final class ReferenceTarget implements ElementTarget {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int encode(SourceFormat source, int sourceBits, ElementFormat format, ElementKnobs knobs, int randomBits) {
        return switch (source) {
            case FP32 -> ElementCodec.encodeFloat32(sourceBits, format, knobs, randomBits);
            case BF16 -> ElementCodec.encodeBFloat16(sourceBits, format, knobs, randomBits);
            case FP16 -> ElementCodec.encodeFloat16(sourceBits, format, knobs, randomBits);
            case FP64 -> throw new IllegalArgumentException("the reference target converts from f32, bf16 and f16, not f64");
        };
    }

    @Override
    public int decodeToFloat32Bits(int code, ElementFormat format) {
        return ElementCodec.decodeToFloat32Bits(code, format);
    }
}

package org.lowbit.vectors.generate;

import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SourceFormat;

/**
 * Every expected element value comes from here: the fast {@link ElementCodec}, cross-checked against the
 * exact BigDecimal oracle {@link ExactCodec}. A disagreement is a bug in the reference, and generation
 * stops (conformance-anchors.md lesson D: two independent oracles).
 */
final class Oracle {
    private Oracle() {}

    /** The code of a source pattern under {@code knobs} (not SR). */
    static int encode(SourceFormat source, int bits, ElementFormat format, ElementKnobs knobs) {
        int fast = switch (source) {
            case FP32 -> ElementCodec.encodeFloat32(bits, format, knobs);
            case BF16 -> ElementCodec.encodeBFloat16(bits, format, knobs);
            case FP16 -> ElementCodec.encodeFloat16(bits, format, knobs);
            case FP64 -> throw new IllegalArgumentException("f64 is not a vector source");
        };
        ExactValue x = switch (source) {
            case FP32 -> ExactValue.ofFloat32Bits(bits);
            case BF16 -> ExactValue.ofBFloat16Bits(bits);
            case FP16 -> ExactValue.ofFloat16Bits(bits);
            case FP64 -> throw new IllegalStateException();
        };
        int exact = ExactCodec.encode(x, format, knobs);
        if (exact != fast) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "reference disagreement, generation aborted: %s 0x%x into %s under %s: ElementCodec gives 0x%02x,"
                    + " ExactCodec 0x%02x", source.id(), bits, format.id(), knobs, fast, exact));
        }
        return fast;
    }

    /** The exact FP32 pattern of a code, cross-checked. */
    static int decode(int code, ElementFormat format) {
        int fast = ElementCodec.decodeToFloat32Bits(code, format);
        ExactValue exact = ExactCodec.decode(code, format);
        if (!exact.isValueOf(Float.intBitsToFloat(fast))) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "reference disagreement, generation aborted: %s code 0x%02x decodes to 0x%08x (ElementCodec) but"
                    + " %s (ExactCodec)", format.id(), code, fast, exact));
        }
        return fast;
    }
}

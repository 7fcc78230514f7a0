package org.lowbit.conformance;

import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SourceFormat;

/**
 * An implementation of element conversion under test. This is the element-level slice of the target
 * interface; block operations, capability manifests and discovery by name come with the suite.
 */
public interface ElementTarget {

    /** The target's name in reports, e.g. {@code reference}. */
    String name();

    /**
     * Encodes one source bit pattern (FP32 in all 32 bits, BF16/FP16 in the low 16) into a code.
     *
     * @param randomBits 32 random bits, used only under stochastic rounding
     */
    int encode(SourceFormat source, int sourceBits, ElementFormat format, ElementKnobs knobs, int randomBits);

    /** The FP32 bit pattern of a code's value. */
    int decodeToFloat32Bits(int code, ElementFormat format);
}

package org.lowbit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;

/** The sweep must pass a correct target and catch planted bugs in a broken one. */
class ElementSweepTest {

    /** A target that behaves like the reference codec, except where a subclass plants a bug. */
    static class CodecTarget implements ElementTarget {
        @Override
        public String name() { return "codec"; }

        @Override
        public int encode(SourceFormat source, int bits, ElementFormat format, ElementKnobs knobs, int random) {
            return source == SourceFormat.FP16 ? ElementCodec.encodeFloat16(bits, format, knobs, random)
                                               : ElementCodec.encodeBFloat16(bits, format, knobs, random);
        }

        @Override
        public int decodeToFloat32Bits(int code, ElementFormat format) {
            return ElementCodec.decodeToFloat32Bits(code, format);
        }
    }

    @Test
    @DisplayName("a correct target passes every fp16 input into fp4_e2m1 under ocp")
    void correctTargetPasses() {
        ElementSweep.Outcome o = ElementSweep.encodeEverySixteenBitInput(new CodecTarget(), SourceFormat.FP16,
                ElementFormat.FP4_E2M1, ElementProfile.OCP.knobsFor(ElementFormat.FP4_E2M1));
        assertTrue(o.passed(), o.firstFailures().toString());
        assertEquals(65536, o.cases());
    }

    @Test
    @DisplayName("planted bug: ties away from zero instead of to even is caught, with a decoded report")
    void tiesAwayIsCaught() {
        ElementTarget tiesAway = new CodecTarget() {
            @Override
            public int encode(SourceFormat source, int bits, ElementFormat format, ElementKnobs knobs, int random) {
                return super.encode(source, bits, format, knobs.withRounding(Rounding.RNA), random);
            }
        };
        ElementSweep.Outcome o = ElementSweep.encodeEverySixteenBitInput(tiesAway, SourceFormat.BF16,
                ElementFormat.FP8_E4M3, ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3));
        assertTrue(o.failures() > 0);
        assertTrue(o.firstFailures().get(0).contains("expected 0x"), o.firstFailures().get(0));
    }

    @Test
    @DisplayName("planted bug: a lost NaN (NaN decoded as 0) is caught")
    void lostNaNIsCaught() {
        ElementTarget lostNaN = new CodecTarget() {
            @Override
            public int decodeToFloat32Bits(int code, ElementFormat format) {
                return format.isNaNCode(code) ? 0 : super.decodeToFloat32Bits(code, format);
            }
        };
        ElementSweep.Outcome o = ElementSweep.decodeEveryCode(lostNaN, ElementFormat.FP8_E5M2);
        assertEquals(6, o.failures());
    }

    @Test
    @DisplayName("planted bug: an E8M0 scale one binade off is caught")
    void scaleOffByOneBinadeIsCaught() {
        ElementTarget offByOne = new CodecTarget() {
            @Override
            public int decodeToFloat32Bits(int code, ElementFormat format) {
                int bits = super.decodeToFloat32Bits(code, format);
                return format == ElementFormat.E8M0 && code > 0 && code < 0xFF ? bits + (1 << 23) : bits;
            }
        };
        assertTrue(ElementSweep.decodeEveryCode(offByOne, ElementFormat.E8M0).failures() >= 254);
    }
}

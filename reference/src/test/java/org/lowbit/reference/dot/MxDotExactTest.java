package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.DotAccumulation;
import org.lowbit.spec.ElementFormat;

/**
 * The exact result against a second computation that shares nothing with {@link MxDot}: codes decoded
 * by the exact oracle ({@link ExactCodec}), the sum formed in {@link BigDecimal}, and rounded by
 * {@link BigDecimal#floatValue()}; and the facts the profiles rely on (element products and dequantized
 * operands are exact in FP32), checked over every code.
 */
class MxDotExactTest {

    private static final List<ElementFormat> ELEMENT_FORMATS = ElementFormat.all().stream()
            .filter(f -> f != ElementFormat.E8M0 && f != ElementFormat.UE4M3).toList();

    private static BigDecimal signed(ExactValue v) {
        return v.negative() ? v.magnitude().negate() : v.magnitude();
    }

    /** c = g_A · g_B · Σ_j X(A_j) · X(B_j) · Σ_i P_i(A_j) · P_i(B_j), all finite, in BigDecimal. */
    private static BigDecimal independentExact(MxVector a, MxVector b) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int j = 0; j < a.blockCount(); j++) {
            BigDecimal block = BigDecimal.ZERO;
            for (int i = 0; i < a.blockSize(); i++) {
                int index = j * a.blockSize() + i;
                block = block.add(signed(ExactCodec.decode(a.elementCode(index), a.elementFormat()))
                                  .multiply(signed(ExactCodec.decode(b.elementCode(index), b.elementFormat()))));
            }
            BigDecimal scale = signed(ExactCodec.decode(a.scaleCode(j), a.scaleFormat()))
                    .multiply(signed(ExactCodec.decode(b.scaleCode(j), b.scaleFormat())));
            sum = sum.add(scale.multiply(block));
        }
        return sum.multiply(new BigDecimal(a.tensorScale())).multiply(new BigDecimal(b.tensorScale()));
    }

    @Test
    @DisplayName("The exact result equals a BigDecimal sum over the exact oracle's decodes, and EXACT rounds it")
    void exactAgreesWithIndependentSum() {
        RandomOperands random = new RandomOperands(0xE4AC7L, RandomOperands.Range.FINITE_CODES);
        for (int input = 0; input < 2000; input++) {
            MxVector[] ab = random.pair(16);
            BigDecimal expected = independentExact(ab[0], ab[1]);
            ExactValue actual = MxDot.exact(ab[0], ab[1]);
            if (!actual.isFinite() || expected.compareTo(signed(actual)) != 0) {
                fail(String.format(Locale.ROOT, "exact %s, independent %s%n  A = %s%n  B = %s", actual,
                                   expected.round(new java.math.MathContext(20)), ab[0], ab[1]));
            }
            float rounded = expected.floatValue(); // correctly rounded (JDK 21+), overflow to ±Inf
            int bits = MxDot.dotFloat32Bits(ab[0], ab[1], DotAccumulation.EXACT);
            if (rounded != 0.0f || bits << 1 != 0) {
                assertEquals(Float.floatToRawIntBits(rounded), bits, ab[0] + " · " + ab[1]);
            }
        }
    }

    @Test
    @DisplayName("Every element product P_A · P_B is exact in FP32, for every pair of element formats and codes")
    void elementProductsAreExact() {
        float smallest = Math.scalb(1.0f, -34);
        for (ElementFormat fa : ELEMENT_FORMATS) {
            for (ElementFormat fb : ELEMENT_FORMATS) {
                for (int ca = 0; ca < fa.codeCount(); ca++) {
                    float pa = ElementCodec.decodeToFloat(ca, fa);
                    for (int cb = 0; cb < fb.codeCount(); cb++) {
                        float pb = ElementCodec.decodeToFloat(cb, fb);
                        float p = pa * pb;
                        if (!Float.isFinite(p) || p == 0.0f) {
                            continue;
                        }
                        // |p| ≥ 2^-34 is far above the subnormals, so the FMA residual is exact: 0 iff p is
                        if (Math.abs(p) < smallest || Math.fma(pa, pb, -p) != 0.0f) {
                            fail(fa + " " + ca + " · " + fb + " " + cb + " = " + p + " is not exact in FP32");
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("Every dequantized value P · X is exact in FP32 unless it overflows (E8M0 and UE4M3 scales)")
    void dequantizedValuesAreExact() {
        int checked = 0;
        for (ElementFormat scaleFormat : List.of(ElementFormat.E8M0, ElementFormat.UE4M3)) {
            for (int cx = 0; cx < scaleFormat.codeCount(); cx++) {
                float x = ElementCodec.decodeToFloat(cx, scaleFormat);
                if (Float.isNaN(x)) {
                    continue;
                }
                for (ElementFormat format : ELEMENT_FORMATS) {
                    for (int c = 0; c < format.codeCount(); c++) {
                        float p = ElementCodec.decodeToFloat(c, format);
                        float v = p * x;
                        if (!Float.isFinite(p) || Float.isInfinite(v)) {
                            continue;
                        }
                        if (!Dyadic.ofFloat(v).equals(Dyadic.ofFloat(p).multiply(Dyadic.ofFloat(x)))) {
                            fail(format + " " + c + " · " + scaleFormat + " " + cx + " = " + v + " is not exact");
                        }
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 500_000, "checked " + checked);
    }
}

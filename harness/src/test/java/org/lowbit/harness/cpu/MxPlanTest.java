package org.lowbit.harness.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;

/**
 * {@link MxPlan#encode}, the scalar statement of the kernels' integer rounding, against the reference's
 * element codec on values around every element grid point (±1 FP32 ulp of each value and midpoint), zeros
 * and random magnitudes, for RNE (ocp-mx-1.0) and RNA (microxcaling).
 */
class MxPlanTest {

    @Test
    void encodeMatchesTheReferenceElementCodec() {
        SplittableRandom random = new SplittableRandom(5);
        int checked = 0;
        for (BlockProfile profile : new BlockProfile[] {BlockProfile.OCP_MX_1_0, BlockProfile.MICROXCALING}) {
            for (BlockFormat format : BlockFormat.values()) {
                if (!format.isMx() || !profile.supports(format)) {
                    continue;
                }
                MxPlan plan = MxPlan.of(format, profile.knobsFor(format)).orElseThrow();
                var knobs = profile.knobsFor(format).elementKnobs(format);
                int codes = format.element().codeCount();
                for (int code = 0; code < codes; code++) {
                    int bits = ElementCodec.decodeToFloat32Bits(code, format.element());
                    int next = ElementCodec.decodeToFloat32Bits((code + 1) % codes, format.element());
                    if ((bits & 0x7FFFFFFF) >= 0x7F800000 || (next & 0x7FFFFFFF) >= 0x7F800000) {
                        continue;
                    }
                    float mid = (float) ((Float.intBitsToFloat(bits) + (double) Float.intBitsToFloat(next)) / 2);
                    for (float v : new float[] {Float.intBitsToFloat(bits), mid, Math.nextUp(mid), Math.nextDown(mid),
                            Float.intBitsToFloat(bits) * 2.5f, Float.intBitsToFloat(bits) * 1e-3f}) {
                        int y = Float.floatToRawIntBits(v);
                        assertEquals(ElementCodec.encodeFloat32(y, format.element(), knobs, 0), plan.encode(y),
                                () -> format + " " + profile.id() + " " + Float.intBitsToFloat(y));
                        checked++;
                    }
                }
                for (int i = 0; i < 20_000; i++) {
                    int y = random.nextInt(0x30000000, 0x43000000) | (random.nextBoolean() ? 0x80000000 : 0);
                    assertEquals(ElementCodec.encodeFloat32(y, format.element(), knobs, 0), plan.encode(y),
                            () -> format + " " + profile.id() + " " + Float.intBitsToFloat(y));
                    checked++;
                }
            }
        }
        assertTrue(checked > 200_000, "checked " + checked);
    }
}

package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.WeightLayout;

/** The layout ids of the spec data: unique across the three enums, found by id and alias, errors list them. */
class LayoutIdsTest {

    @Test
    @DisplayName("every layout id and alias is unique across element, scale and weight layouts")
    void idsAreUnique() {
        Set<String> seen = new HashSet<>();
        for (ElementLayout l : ElementLayout.values()) {
            assertTrue(seen.add(l.id()), l.id());
            l.aliases().forEach(a -> assertTrue(seen.add(a), a));
            assertEquals(l, ElementLayout.byId(l.id().toUpperCase(java.util.Locale.ROOT)));
        }
        for (ScaleLayout l : ScaleLayout.values()) {
            assertTrue(seen.add(l.id()), l.id());
            assertEquals(l, ScaleLayout.byId(l.id()));
        }
        for (WeightLayout l : WeightLayout.values()) {
            assertTrue(seen.add(l.id()), l.id());
            assertEquals(l, WeightLayout.byId(l.id()));
        }
    }

    @Test
    @DisplayName("aliases: fp4-low-first, fp4-high-first, fp6-byte; gguf-q4-0 for gguf-q4_0")
    void aliases() {
        assertEquals(ElementLayout.NIBBLE_LOW_FIRST, ElementLayout.byId("fp4-low-first"));
        assertEquals(ElementLayout.NIBBLE_HIGH_FIRST, ElementLayout.byId("fp4-high-first"));
        assertEquals(ElementLayout.UNPACKED, ElementLayout.byId("fp6-byte"));
        assertEquals(WeightLayout.GGUF_Q4_0, WeightLayout.byId("gguf-q4-0"));
        assertEquals(PadPolicy.LENIENT, PadPolicy.parse("lenient"));
    }

    @Test
    @DisplayName("an unknown id is an error that lists the known ones")
    void unknownIds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElementLayout.byId("fp4-middle"));
        assertTrue(e.getMessage().contains("nibble-low-first"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleLayout.byId("swizzle"));
        assertTrue(e.getMessage().contains("swizzle-128x4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WeightLayout.byId("marlin"));
        assertTrue(e.getMessage().contains("gptq-v1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PadPolicy.parse("sloppy"));
    }

    @Test
    @DisplayName("spec data: container sizes, the formats each element layout holds, weight layout bit widths")
    void specData() {
        assertEquals(3, ElementLayout.FP6_4IN3.bytesPerContainer());
        assertEquals(4, ElementLayout.FP6_4IN3.codesPerContainer());
        assertTrue(ElementLayout.NIBBLE_LOW_FIRST.supports(ElementFormat.INT4));
        assertTrue(!ElementLayout.F8F6F4_CONTAINER.supports(ElementFormat.INT8));
        assertEquals(2, ElementLayout.F8F6F4_CONTAINER.fieldShift(ElementFormat.FP4_E2M1));
        assertEquals(512, ScaleLayout.SWIZZLE_128X4.tileBytes());
        assertTrue(WeightLayout.GPTQ_V1.supportsBits(3) && !WeightLayout.AWQ.supportsBits(3));
        assertEquals(WeightLayout.ZeroPoints.STORED_MINUS_ONE, WeightLayout.GPTQ_V1.zeroPoints());
    }
}

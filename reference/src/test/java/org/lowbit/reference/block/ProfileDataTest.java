package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ScaleRule;

/** The spec data of the block formats and profiles, pinned (the knob table is SPEC.md §8.6). */
class ProfileDataTest {

    @Test
    @DisplayName("block formats: OCP MX §5.2 Table 1 and NVFP4, with the element emax of §6.3")
    void blockFormats() {
        // id, element, k, scale, emax
        Object[][] table = {
            {"mxfp8_e4m3", ElementFormat.FP8_E4M3, 32, ElementFormat.E8M0, 8},
            {"mxfp8_e5m2", ElementFormat.FP8_E5M2, 32, ElementFormat.E8M0, 15},
            {"mxfp6_e3m2", ElementFormat.FP6_E3M2, 32, ElementFormat.E8M0, 4},
            {"mxfp6_e2m3", ElementFormat.FP6_E2M3, 32, ElementFormat.E8M0, 2},
            {"mxfp4", ElementFormat.FP4_E2M1, 32, ElementFormat.E8M0, 2},
            {"mxint8", ElementFormat.MXINT8, 32, ElementFormat.E8M0, 0},
            {"nvfp4", ElementFormat.FP4_E2M1, 16, ElementFormat.UE4M3, 2},
        };
        assertEquals(table.length, BlockFormat.values().length);
        for (Object[] row : table) {
            BlockFormat f = BlockFormat.byId((String) row[0]);
            assertSame(row[1], f.element());
            assertEquals(row[2], f.blockSize());
            assertSame(row[3], f.scale());
            assertEquals(row[4], f.emax(), f.id());
            assertEquals(f == BlockFormat.NVFP4, f.allowsTensorScale());
        }
    }

    @Test
    @DisplayName("block profiles: the knob values of SPEC.md §8.6")
    void profiles() {
        // id, rule, rounding, nonFinite, zeroBlock, tinyAmax, tail, scaling, clamp, tensor
        String[][] table = {
            {"ocp-mx-1.0", "FLOOR", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "PAD_WITH_ZEROS", "DIVIDE",
             "MIN_NORMAL", "NONE"},
            {"microxcaling", "FLOOR", "RNA", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "PAD_WITH_ZEROS", "DIVIDE",
             "MIN_NORMAL", "NONE"},
            {"torchao-floor", "FLOOR", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "REJECT",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"torchao-ceil", "CEIL", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "REJECT",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"torchao-even", "EVEN", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "REJECT",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"torchao-rceil", "RCEIL", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "REJECT",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"triton-round-up", "ROUND_UP", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "PAD_WITH_ZEROS",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"nvfp4-torchao", "NEAREST", "RNE", "WHOLE_BLOCK_NAN", "SMALLEST_SCALE", "CLAMP", "REJECT",
             "RECIPROCAL_MULTIPLY", "MIN_NORMAL", "NONE"},
            {"nvfp4-modelopt", "NEAREST", "RNE", "WHOLE_BLOCK_NAN", "ONE", "CLAMP", "PAD_WITH_ZEROS", "DIVIDE",
             "MIN_SUBNORMAL", "AMAX_OVER_2688"},
        };
        assertEquals(table.length, BlockProfile.values().length);
        Set<String> ids = new HashSet<>();
        for (String[] row : table) {
            BlockProfile p = BlockProfile.byId(row[0]);
            BlockKnobs k = p.knobs();
            List<String> actual = List.of(p.id(), k.scaleRule().name(), k.elementRounding().name(),
                    k.nonFinite().name(), k.zeroBlock().name(), k.tinyAmax().name(), k.tail().name(),
                    k.scaling().name(), k.scaleClamp().name(), k.tensorScale().name());
            assertEquals(List.of(row), actual);
            assertEquals("ocp", k.elementProfile().id(), p.id());
            assertFalse(p.sources().isBlank());
            assertFalse(p.notes().isEmpty());
            assertFalse(p.formats().isEmpty());
            for (BlockFormat f : p.formats()) {
                k.requireApplicableTo(f);
                assertEquals(k.scaleRule() == ScaleRule.NEAREST, f.isNvfp4());
            }
            ids.add(p.id());
        }
        assertEquals(table.length, ids.size());
    }
}

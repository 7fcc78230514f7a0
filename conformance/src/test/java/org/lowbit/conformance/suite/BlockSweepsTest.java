package org.lowbit.conformance.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/** The layout of the exhaustive quantize sweep: every pattern of a slice once, and an anchor that is the amax. */
class BlockSweepsTest {

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x01, 0x3f, 0x7e, 0x7f, 0x80, 0xc1, 0xff})
    void everyPatternOfASliceIsSweptExactlyOnceBesideAnAnchorThatBoundsIt(int slice) {
        int depths = BlockSweeps.anchorDepths(ElementFormat.FP8_E5M2); // the deepest grid: anchors up to 34 binades up
        BitSet seen = new BitSet(Sweeps.SLICE);
        for (int k = 0; k < BlockSweeps.BLOCKS_PER_SLICE; k++) {
            int[] block = BlockSweeps.block(slice, k, depths);
            int anchor = BlockSweeps.anchor(slice, k, depths);
            assertEquals(anchor, block[k % 32], "the anchor's position");
            float bound = Math.abs(Float.intBitsToFloat(anchor));
            for (int j = 0; j < 32; j++) {
                if (j == k % 32) {
                    continue;
                }
                int p = block[j];
                if (p == 0 && (slice != 0 || k != 0 || j != 1)) { // +0.0 pads the last block; pattern 0 is slice 0's first
                    assertEquals(BlockSweeps.BLOCKS_PER_SLICE - 1, k, "padding only in the last block");
                    continue;
                }
                assertEquals(slice, p >>> 24, "a pattern of another slice");
                assertFalse(seen.get(p & 0xFFFFFF), "swept twice");
                seen.set(p & 0xFFFFFF);
                if (slice != 0x7f && slice != 0xff) { // below the NaN and Inf exponent the anchor is the amax
                    assertTrue(bound >= Math.abs(Float.intBitsToFloat(p)), () -> Integer.toHexString(p));
                }
            }
        }
        assertEquals(Sweeps.SLICE, seen.cardinality());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mxfp8_e4m3", "mxfp4", "mxfp6_e2m3"})
    void theAnchorsSpreadTheSweptValuesOverTheWholeElementGrid(String id) throws Exception {
        // one positive and one negative slice through the reference under ocp-mx-1.0: every finite code comes out
        BlockFormat format = BlockFormat.byId(id);
        ElementFormat element = format.element();
        int depths = BlockSweeps.anchorDepths(element);
        BitSet codes = new BitSet(element.codeCount());
        for (int slice : new int[] {0x3f, 0xbf}) {
            int n = BlockSweeps.BLOCKS_PER_SLICE;
            byte[] input = new byte[4 * 32 * n];
            for (int k = 0; k < n; k++) {
                int[] block = BlockSweeps.block(slice, k, depths);
                for (int j = 0; j < 32; j++) {
                    LittleEndian.putInt(input, 4 * (32 * k + j), block[j]);
                }
            }
            QuantizeResult q = new ReferenceTarget().quantize(new QuantizeRequest(format, BlockProfile.OCP_MX_1_0,
                    BlockProfile.OCP_MX_1_0.knobsFor(format), SourceFormat.FP32, n, 32, input, ElementLayout.UNPACKED,
                    ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0));
            for (byte c : q.elements()) {
                codes.set(c & 0xFF);
            }
        }
        for (int code = 0; code < element.codeCount(); code++) {
            if (!element.isNaNCode(code) && !element.isInfinityCode(code)) {
                assertTrue(codes.get(code), id + " code 0x" + Integer.toHexString(code) + " never produced");
            }
        }
    }
}

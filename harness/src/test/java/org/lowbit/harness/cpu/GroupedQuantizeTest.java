package org.lowbit.harness.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The kernels this run uses ({@link CpuBackends#kernels}: vector at the surefire execution's species, or scalar
 * without the module) against the scalar reference kernels, on long runs of blocks where some quads of blocks
 * hold one block that the FLOOR fast path must hand to the block-by-block path: NaN, Inf, a zero block, a
 * subnormal amax, the largest and smallest binades. The calls start at unaligned element and scale offsets and
 * end with a ragged tail of blocks, so that the quad and stream boundaries (four streams of quads) fall everywhere.
 */
class GroupedQuantizeTest {

    static Stream<Arguments> plans() {
        List<Arguments> out = new ArrayList<>();
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (format.isMx() && profile.supports(format)
                        && MxPlan.of(format, profile.knobsFor(format)).isPresent()) {
                    out.add(Arguments.of(format, profile));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}: groups with and without special blocks, every source")
    @MethodSource("plans")
    void groupsWithSpecialBlocksMatchTheReference(BlockFormat format, BlockProfile profile) {
        MxPlan plan = MxPlan.of(format, profile.knobsFor(format)).orElseThrow();
        MxKernels kernels = CpuBackends.kernels();
        MxKernels reference = CpuBackends.scalar();
        SplittableRandom random = new SplittableRandom(format.ordinal() * 131L + profile.ordinal());
        for (SourceFormat source : List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16)) {
            for (int trial = 0; trial < 6; trial++) {
                int blocks = 16 * random.nextInt(1, 12) + random.nextInt(0, 20);
                int firstBlock = random.nextInt(0, 40);     // element offset first = 32 * firstBlock
                int scaleOffset = random.nextInt(0, 5);
                int elements = (firstBlock + blocks + 3) * MxPlan.BLOCK;
                byte[] in = CpuVectorTargetTest.boundaryBiased(random, format, source, elements, false);
                for (int b = 0; b < firstBlock + blocks; b++) {
                    if (random.nextInt(24) == 0) {
                        plantSpecialBlock(random, in, source, b);
                    }
                }
                byte[] codes = new byte[elements];
                byte[] scales = new byte[scaleOffset + blocks + 2];
                byte[] expectedCodes = new byte[elements];
                byte[] expectedScales = new byte[scales.length];
                int first = firstBlock * MxPlan.BLOCK;
                kernels.quantize(plan, source, in, first, blocks, codes, scales, scaleOffset);
                reference.quantize(plan, source, in, first, blocks, expectedCodes, expectedScales, scaleOffset);
                String what = format + " " + profile.id() + " " + source + ", blocks " + blocks + " from block " + firstBlock;
                assertArrayEquals(expectedScales, scales, what + ": scales");
                int i = Arrays.mismatch(expectedCodes, codes);
                if (i >= 0) {
                    fail(String.format("%s: element %d (block %d) expected 0x%02X got 0x%02X", what, i,
                            i / MxPlan.BLOCK, expectedCodes[i] & 0xFF, codes[i] & 0xFF));
                }
            }
        }
    }

    /** Block {@code b} becomes one that the grouped path cannot take: one element (or all) set to an edge value. */
    private static void plantSpecialBlock(SplittableRandom random, byte[] in, SourceFormat source, int b) {
        int at = b * MxPlan.BLOCK + random.nextInt(MxPlan.BLOCK);
        int kind = random.nextInt(6);
        if (kind == 2 || kind == 3) { // zero block, or every element an FP32 subnormal
            for (int i = b * MxPlan.BLOCK; i < (b + 1) * MxPlan.BLOCK; i++) {
                put(in, source, i, kind == 2 ? (random.nextBoolean() ? 0x80000000 : 0) : random.nextInt(0x00800000));
            }
            return;
        }
        int bits = switch (kind) {
            case 0 -> 0x7FC00000 | random.nextInt(0x400000);        // NaN
            case 1 -> random.nextBoolean() ? 0x7F800000 : 0xFF800000; // ±Inf
            case 4 -> 0x7F7FFFFF;                                    // the largest finite binade
            default -> 0x00800000 | random.nextInt(0x800000);       // the smallest normal binade
        };
        put(in, source, at, bits);
    }

    /** Element {@code i} as FP32 bits, truncated to BF16 or rounded to FP16 for those sources. */
    private static void put(byte[] in, SourceFormat source, int i, int bits) {
        switch (source) {
            case FP32 -> LittleEndian.putInt(in, 4 * i, bits);
            case BF16 -> LittleEndian.putShort(in, 2 * i, (short) (bits >>> 16));
            case FP16 -> LittleEndian.putShort(in, 2 * i, Float.floatToFloat16(Float.intBitsToFloat(bits)));
            case FP64 -> throw new IllegalArgumentException("f64");
        }
    }
}

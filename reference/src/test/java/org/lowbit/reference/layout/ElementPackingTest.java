package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;

class ElementPackingTest {
    private static final ElementLayout UNPACKED = ElementLayout.UNPACKED;
    private static final ElementLayout LOW = ElementLayout.NIBBLE_LOW_FIRST;
    private static final ElementLayout HIGH = ElementLayout.NIBBLE_HIGH_FIRST;
    private static final ElementLayout FP6_4IN3 = ElementLayout.FP6_4IN3;
    private static final ElementLayout CONTAINER = ElementLayout.F8F6F4_CONTAINER;
    private static final ElementFormat FP4 = ElementFormat.FP4_E2M1;

    // ---------------------------------------------------------------------------------------------
    // Worked examples from the research files

    @Test
    @DisplayName("mx-semantics §3.7 torchao MXFP4 FLOOR: codes 7, 2, 0, D pack low nibble first to 27 D0")
    void torchaoFloorBlock() {
        assertArrayEquals(RandomCodes.hex("27 D0"), ElementPacking.pack(LOW, FP4, new int[] {0x7, 0x2, 0x0, 0xD}));
        assertArrayEquals(new int[] {0x7, 0x2, 0x0, 0xD}, ElementPacking.unpack(LOW, FP4, RandomCodes.hex("27 D0")));
    }

    @Test
    @DisplayName("mx-semantics §3.7 torchao MXFP4 CEIL/EVEN/RCEIL: codes 6, 1, 0, B pack to 16 B0")
    void torchaoCeilBlock() {
        assertArrayEquals(RandomCodes.hex("16 B0"), ElementPacking.pack(LOW, FP4, new int[] {0x6, 0x1, 0x0, 0xB}));
    }

    @Test
    @DisplayName("mx-semantics §3.7 torchao NVFP4: codes 7, 5, 2, 1, 0, C … give first packed byte 0x57")
    void torchaoNvfp4FirstByte() {
        int[] codes = {7, 5, 2, 1, 0, 0xC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        byte[] packed = ElementPacking.pack(LOW, FP4, codes);
        assertEquals(0x57, packed[0] & 0xFF);
        assertEquals(0x12, packed[1] & 0xFF);
        assertEquals(0x20, packed[7] & 0xFF);
        assertArrayEquals(codes, ElementPacking.unpack(LOW, FP4, packed));
    }

    @Test
    @DisplayName("mx-semantics §5.1 PTX cvt e2m1x2 puts operand a in d[7:4]: high-first of [a, b] = low-first of [b, a]")
    void ptxOperandOrder() {
        int a = 0x6; // e2m1 of 5.0 (mx-semantics §5.2 table)
        int b = 0xA; // e2m1 of -1.0
        byte[] high = ElementPacking.pack(HIGH, FP4, new int[] {a, b});
        assertEquals(0x6A, high[0] & 0xFF);
        assertArrayEquals(high, ElementPacking.pack(LOW, FP4, new int[] {b, a}),
                "CUDA's __nv_cvt_float2_to_fp4x2 passes x.x as b, so element 0 lands in the low nibble");
    }

    @Test
    @DisplayName("mx-semantics §3.4 torchao FP6: one code per byte, LSB-aligned (7.5 as e2m3 is 0x1F)")
    void torchaoFp6Byte() {
        assertArrayEquals(new byte[] {0x1F}, ElementPacking.pack(UNPACKED, ElementFormat.FP6_E2M3, new int[] {0x1F}));
        assertEquals(UNPACKED, ElementLayout.byId("fp6-byte"));
    }

    @Test
    @DisplayName("mx-semantics §5.1 cvt f6x2: d[13:8] = a, d[5:0] = b, bits 15:14 and 7:6 zero = unpacked [b, a]")
    void ptxF6x2() {
        int a = 0x28; // e2m3 of -1.0 (§5.2 table)
        int b = 0x1F; // e2m3 of 7.75 (saturated)
        byte[] bytes = ElementPacking.pack(UNPACKED, ElementFormat.FP6_E2M3, new int[] {b, a});
        assertEquals(0x281F, LittleEndian.getShort(bytes, 0) & 0xFFFF);
        assertEquals(0, LittleEndian.getShort(bytes, 0) & 0xC0C0);
    }

    @Test
    @DisplayName("mx-semantics §5.2 cvt e4m3x2 d, v, 1.0 returns code(v) << 8 | 0x38: unpacked [0x38, code] read LE")
    void ptxE4m3x2() {
        byte[] bytes = ElementPacking.pack(UNPACKED, ElementFormat.FP8_E4M3, new int[] {0x38, 0x7E}); // 1.0, 480 sat
        assertEquals(0x7E38, LittleEndian.getShort(bytes, 0) & 0xFFFF);
    }

    @Test
    @DisplayName("mx-semantics §5.3 f8f6f4 container: e2m1 in bits 5..2, e3m2/e2m3 in bits 5..0, fp8 whole")
    void f8f6f4Container() {
        assertArrayEquals(RandomCodes.hex("00 04 1C 20 3C"),
                ElementPacking.pack(CONTAINER, FP4, new int[] {0x0, 0x1, 0x7, 0x8, 0xF}));
        assertArrayEquals(RandomCodes.hex("3F 15"), ElementPacking.pack(CONTAINER, ElementFormat.FP6_E3M2, new int[] {0x3F, 0x15}));
        assertArrayEquals(RandomCodes.hex("2A 01"), ElementPacking.pack(CONTAINER, ElementFormat.FP6_E2M3, new int[] {0x2A, 0x01}));
        assertArrayEquals(RandomCodes.hex("FF 7E"), ElementPacking.pack(CONTAINER, ElementFormat.FP8_E4M3, new int[] {0xFF, 0x7E}));
        assertArrayEquals(new int[] {0x7, 0xF}, ElementPacking.unpack(CONTAINER, FP4, RandomCodes.hex("1C 3C")));
    }

    @Test
    @DisplayName("fp6-4in3 (lowbit's definition): code i at stream bits 6i..6i+5, stream bit b = bit b%8 of byte b/8")
    void fp6FourInThreeDefinition() {
        ElementFormat e3m2 = ElementFormat.FP6_E3M2;
        assertArrayEquals(RandomCodes.hex("81 30 10"), ElementPacking.pack(FP6_4IN3, e3m2, new int[] {1, 2, 3, 4}));
        assertArrayEquals(RandomCodes.hex("3F 00 00"), ElementPacking.pack(FP6_4IN3, e3m2, new int[] {0x3F, 0, 0, 0}));
        assertArrayEquals(RandomCodes.hex("C0 0F 00"), ElementPacking.pack(FP6_4IN3, e3m2, new int[] {0, 0x3F, 0, 0}));
        assertArrayEquals(RandomCodes.hex("00 F0 03"), ElementPacking.pack(FP6_4IN3, e3m2, new int[] {0, 0, 0x3F, 0}));
        assertArrayEquals(RandomCodes.hex("00 00 FC"), ElementPacking.pack(FP6_4IN3, e3m2, new int[] {0, 0, 0, 0x3F}));
    }

    @Test
    @DisplayName("fp6-4in3 agrees with a bit-by-bit stream written in the test, on 4096 random codes")
    void fp6FourInThreeAgainstBitOracle() {
        int[] codes = RandomCodes.below(64, 4096, 6);
        byte[] oracle = new byte[codes.length * 6 / 8];
        for (int i = 0; i < codes.length; i++) {
            for (int bit = 0; bit < 6; bit++) {
                int streamBit = 6 * i + bit;
                if ((codes[i] >>> bit & 1) != 0) {
                    oracle[streamBit / 8] |= (byte) (1 << (streamBit % 8));
                }
            }
        }
        assertArrayEquals(oracle, ElementPacking.pack(FP6_4IN3, ElementFormat.FP6_E2M3, codes));
        assertArrayEquals(codes, ElementPacking.unpack(FP6_4IN3, ElementFormat.FP6_E2M3, oracle));
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips

    @TestFactory
    @DisplayName("round trip: every layout and format it holds, random codes with 0 and max, many counts")
    Stream<DynamicTest> roundTrips() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ElementLayout layout : ElementLayout.values()) {
            for (ElementFormat format : ElementFormat.values()) {
                if (!layout.supports(format)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(layout + " " + format, () -> {
                    for (int count : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 12, 33, 1000, 1023}) {
                        int[] codes = RandomCodes.below(format.codeCount(), count, 31L * count + format.ordinal());
                        byte[] padded = ElementPacking.packPadded(layout, format, codes);
                        assertEquals(ElementPacking.paddedSize(layout, count), padded.length);
                        assertArrayEquals(codes, ElementPacking.unpackPadded(layout, format, padded, count, PadPolicy.STRICT));
                        if (count % layout.codesPerContainer() == 0) {
                            byte[] packed = ElementPacking.pack(layout, format, codes);
                            assertArrayEquals(padded, packed);
                            assertArrayEquals(codes, ElementPacking.unpack(layout, format, packed));
                            byte[] asBytes = new byte[count];
                            for (int i = 0; i < count; i++) {
                                asBytes[i] = (byte) codes[i];
                            }
                            assertArrayEquals(packed, ElementPacking.pack(layout, format, asBytes));
                            byte[] back = new byte[count];
                            ElementPacking.unpack(layout, format, packed, 0, count, back, 0, PadPolicy.STRICT);
                            assertArrayEquals(asBytes, back);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    @DisplayName("offsets: packing into the middle of an array writes only the packed range")
    void offsetsTouchOnlyTheirRange() {
        int[] codes = {9, 9, 1, 2, 3, 4, 5, 6, 9};
        byte[] dst = new byte[8];
        Arrays.fill(dst, (byte) 0xEE);
        ElementPacking.pack(LOW, ElementFormat.UINT4, codes, 2, 6, dst, 3);
        assertArrayEquals(RandomCodes.hex("EE EE EE 21 43 65 EE EE"), dst);
        int[] back = new int[10];
        ElementPacking.unpack(LOW, ElementFormat.UINT4, dst, 3, 6, back, 4, PadPolicy.STRICT);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 2, 3, 4, 5, 6}, back);
    }

    @Test
    @DisplayName("LENIENT ignores pad bits and masks them off; STRICT names the byte")
    void lenientMasksPadBits() {
        assertArrayEquals(new int[] {0x7, 0x1}, ElementPacking.unpack(CONTAINER, FP4, RandomCodes.hex("DF 07"), PadPolicy.LENIENT));
        assertArrayEquals(new int[] {0x3F}, ElementPacking.unpack(UNPACKED, ElementFormat.FP6_E2M3, RandomCodes.hex("FF"), PadPolicy.LENIENT));
        assertArrayEquals(new int[] {0x7F}, ElementPacking.unpack(UNPACKED, ElementFormat.UE4M3, RandomCodes.hex("FF"), PadPolicy.LENIENT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpack(CONTAINER, FP4, RandomCodes.hex("1C 07")));
        assertTrue(e.getMessage().contains("byte 1"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input

    @Test
    @DisplayName("bad input: a code out of range for the format (16 for a nibble, 64 for fp6, 0x80 for ue4m3)")
    void codeOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(LOW, FP4, new int[] {1, 16}));
        assertTrue(e.getMessage().contains("index 1") && e.getMessage().contains("fp4_e2m1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.pack(LOW, ElementFormat.INT4, new int[] {-1, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(FP6_4IN3, ElementFormat.FP6_E3M2, new int[] {0, 64, 0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(CONTAINER, ElementFormat.FP6_E2M3, new int[] {64}));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.pack(UNPACKED, ElementFormat.UE4M3, new int[] {0x80}));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.pack(UNPACKED, ElementFormat.FP8_E4M3, new int[] {256}));
    }

    @Test
    @DisplayName("bad input: a count that is not a whole number of containers (odd nibbles, fp6-4in3 not x4)")
    void notWholeContainers() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(LOW, FP4, new int[] {1, 2, 3}));
        assertTrue(odd.getMessage().contains("3 codes") && odd.getMessage().contains("packPadded"), odd.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(FP6_4IN3, ElementFormat.FP6_E2M3, new int[] {1, 2, 3, 4, 5}));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.packedSize(FP6_4IN3, 6));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpack(FP6_4IN3, ElementFormat.FP6_E2M3, new byte[4]));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpack(LOW, FP4, new byte[2], 0, 3, new int[3], 0, PadPolicy.STRICT));
    }

    @Test
    @DisplayName("bad input: nonzero pad bits under STRICT (fp6 byte 0x40, fp4 container 0x01, padded tails)")
    void padBitsStrict() {
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpack(UNPACKED, ElementFormat.FP6_E3M2, RandomCodes.hex("40")));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpack(CONTAINER, ElementFormat.FP6_E3M2, RandomCodes.hex("80")));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpack(CONTAINER, FP4, RandomCodes.hex("01")));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpack(CONTAINER, FP4, RandomCodes.hex("40")));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpack(UNPACKED, ElementFormat.UE4M3, RandomCodes.hex("80")));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpackPadded(LOW, FP4, RandomCodes.hex("21 F3"), 3, PadPolicy.STRICT));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpackPadded(HIGH, FP4, RandomCodes.hex("12 3F"), 3, PadPolicy.STRICT));
        assertArrayEquals(new int[] {1, 2, 3}, ElementPacking.unpackPadded(LOW, FP4, RandomCodes.hex("21 F3"), 3, PadPolicy.LENIENT));
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.unpackPadded(FP6_4IN3, ElementFormat.FP6_E2M3, RandomCodes.hex("3F 00 04"), 1, PadPolicy.STRICT));
        assertArrayEquals(new int[] {0x3F}, ElementPacking.unpackPadded(FP6_4IN3, ElementFormat.FP6_E2M3,
                RandomCodes.hex("3F 00 04"), 1, PadPolicy.LENIENT));
    }

    @Test
    @DisplayName("bad input: a format the layout cannot hold (fp8 in nibbles, int8 in the f8f6f4 container)")
    void unsupportedFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(LOW, ElementFormat.FP8_E4M3, new int[] {1, 2}));
        assertTrue(e.getMessage().contains("4-bit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.pack(CONTAINER, ElementFormat.INT8, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.pack(FP6_4IN3, FP4, new int[] {1, 2, 3, 4}));
    }

    @Test
    @DisplayName("bad input: the destination is left unchanged when a code is out of range")
    void destinationUnchangedOnError() {
        byte[] dst = RandomCodes.hex("AA BB");
        assertThrows(IllegalArgumentException.class,
                () -> ElementPacking.pack(LOW, FP4, new int[] {1, 2, 3, 99}, 0, 4, dst, 0));
        assertArrayEquals(RandomCodes.hex("AA BB"), dst);
        int[] codes = {7, 7, 7};
        assertThrows(IllegalArgumentException.class, () -> ElementPacking.unpack(CONTAINER, FP4,
                RandomCodes.hex("04 08 0D"), 0, 3, codes, 0, PadPolicy.STRICT));
        assertArrayEquals(new int[] {7, 7, 7}, codes);
        assertThrows(IndexOutOfBoundsException.class, () -> ElementPacking.pack(LOW, FP4, new int[] {1, 2}, 0, 2, new byte[0], 0));
    }
}

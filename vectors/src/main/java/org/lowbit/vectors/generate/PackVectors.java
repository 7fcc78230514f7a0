package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.PackGroup;
import org.lowbit.vectors.PackTest;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.VectorFile;

/**
 * Pack vectors for one element layout and one format it holds (SPEC.md §9.1): asymmetric neighbours, the
 * boundary codes in every position of a container, every code in order, and the research's worked hex. The
 * expected bytes come from {@link ElementPacking}, and each is unpacked again as a check.
 */
final class PackVectors {
    private PackVectors() {}

    static String path(ElementLayout layout, ElementFormat format) {
        return "pack/pack_" + layout.id() + "_" + format.id() + ".json";
    }

    static VectorFile file(ElementLayout layout, ElementFormat format, Level level) {
        FileBuilder b = new FileBuilder(Operation.PACK, format.id(), VectorFile.NO_PROFILE, level, List.of(
                String.format(Locale.ROOT, "Pack %s codes, in logical order, into the layout %s (SPEC.md section"
                              + " 9.1): %s.", format.id(), layout.id(), layout.meaning()),
                "codes: one code per byte in its low bits; expected: the stored bytes."));
        int per = layout.codesPerContainer();
        int top = format.codeCount() - 1;
        int sign = format.isFloat() ? format.signMask() : format.isSigned() ? 1 << (format.bits() - 1) : 0;
        List<PackTest> tests = new ArrayList<>();
        // asymmetric neighbours: a swapped order shows
        add(b, tests, layout, format, repeat(new int[] {1, Math.min(7, top)}, 2 * per), "asymmetric pair 0x1, 0x7",
                EnumSet.of(Flag.PACKING_ORDER));
        add(b, tests, layout, format, repeat(new int[] {Math.min(7, top), 1}, 2 * per), "asymmetric pair 0x7, 0x1",
                EnumSet.of(Flag.PACKING_ORDER));
        int[] ascending = new int[Math.max(2 * per, 8)];
        for (int i = 0; i < ascending.length; i++) {
            ascending[i] = (i + 1) % (top + 1);
        }
        add(b, tests, layout, format, ascending, "codes 1, 2, 3, ...", EnumSet.of(Flag.PACKING_ORDER));
        // boundary codes in every position of a container
        for (int position = 0; position < per; position++) {
            int[] one = new int[per];
            one[position] = top;
            add(b, tests, layout, format, one, "the all-ones code 0x" + Integer.toHexString(top) + " alone in position "
                                               + position, EnumSet.of(Flag.BOUNDARY_CODE));
        }
        add(b, tests, layout, format, new int[per], "all zero codes", EnumSet.of(Flag.BOUNDARY_CODE));
        int[] ones = new int[per];
        Arrays.fill(ones, top);
        add(b, tests, layout, format, ones, "all codes all ones", EnumSet.of(Flag.BOUNDARY_CODE));
        if (sign != 0) {
            int[] signs = new int[per];
            Arrays.fill(signs, sign);
            add(b, tests, layout, format, signs, "the sign bit alone, 0x" + Integer.toHexString(sign)
                                                 + " (-0 or the most negative integer)", EnumSet.of(Flag.BOUNDARY_CODE));
        }
        int[] every = new int[roundUp(top + 1, per)];
        for (int i = 0; i < every.length; i++) {
            every[i] = i % (top + 1);
        }
        add(b, tests, layout, format, every, "every code in order", EnumSet.of(Flag.BOUNDARY_CODE));
        worked(b, tests, layout, format);
        b.add(new PackGroup(layout, format, "level1/pack", 0, tests));
        return b.build();
    }

    /** SPEC.md §9.6 and mx-semantics.md §3.7, §5.1: the worked hex this layout and format have. */
    private static void worked(FileBuilder b, List<PackTest> tests, ElementLayout layout, ElementFormat format) {
        EnumSet<Flag> flags = EnumSet.of(Flag.WORKED_EXAMPLE, Flag.PACKING_ORDER);
        if (format == ElementFormat.FP4_E2M1 && layout == ElementLayout.NIBBLE_LOW_FIRST) {
            add(b, tests, layout, format, new int[] {7, 2, 0, 0xD}, "MX 3.7: fp4 7,2,0,D -> 27 d0 (torchao)", flags);
            add(b, tests, layout, format, new int[] {6, 1, 0, 0xB}, "MX 3.7: fp4 6,1,0,B -> 16 b0 (torchao)", flags);
            add(b, tests, layout, format, new int[] {7, 5}, "MX 3.7: NVFP4 codes 7,5 -> first byte 0x57", flags);
        }
        if (format.bits() == 4 && layout == ElementLayout.NIBBLE_HIGH_FIRST) {
            add(b, tests, layout, format, new int[] {1, 2, 3, 4, 5, 6, 7, 8},
                    "codes 1..8 -> 12 34 56 78 (PTX cvt e2m1x2 operand order)", flags);
        }
        if (layout == ElementLayout.FP6_4IN3) {
            add(b, tests, layout, format, new int[] {1, 2, 3, 4}, "SPEC 9.1: codes 1,2,3,4 -> 81 30 10",
                    EnumSet.of(Flag.WORKED_EXAMPLE, Flag.FP6_PACKING));
        }
        if (format == ElementFormat.FP6_E2M3 && layout == ElementLayout.UNPACKED) {
            add(b, tests, layout, format, new int[] {0x1F}, "MX 3.4: fp6 7.5 -> 0x1f, one code per byte",
                    EnumSet.of(Flag.WORKED_EXAMPLE, Flag.FP6_PACKING));
        }
        if (layout == ElementLayout.F8F6F4_CONTAINER && format.bits() == 4) {
            add(b, tests, layout, format, new int[] {0xF, 0x1}, "MX 5.3: fp4 sits in bits 5..2 of the byte: 0xf -> 3c",
                    EnumSet.of(Flag.WORKED_EXAMPLE, Flag.PACKING_ORDER));
        }
    }

    private static void add(FileBuilder b, List<PackTest> tests, ElementLayout layout, ElementFormat format, int[] codes,
                            String label, EnumSet<Flag> flags) {
        for (int i = 0; i < codes.length; i++) {
            codes[i] = format.requireValidCode(codes[i]);
        }
        byte[] packed = ElementPacking.pack(layout, format, codes);
        if (!Arrays.equals(ElementPacking.unpack(layout, format, packed), codes)) {
            throw new IllegalStateException("reference disagreement, generation aborted: " + layout + " " + format
                                            + " does not unpack what it packed: " + Arrays.toString(codes));
        }
        if (format.bits() == 6 && layout != ElementLayout.FP6_4IN3) {
            flags.add(Flag.FP6_PACKING);
        }
        byte[] unpacked = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            unpacked[i] = (byte) codes[i];
        }
        String comment = label + ": " + describe(codes) + " -> " + spaced(packed);
        tests.add(new PackTest(b.nextId(), comment, b.flags(flags), HexBytes.of(unpacked), HexBytes.of(packed),
                Result.VALID));
    }

    private static String describe(int[] codes) {
        StringBuilder s = new StringBuilder("codes ");
        int shown = Math.min(codes.length, 8);
        for (int i = 0; i < shown; i++) {
            s.append(i == 0 ? "" : ",").append(Integer.toHexString(codes[i]));
        }
        return codes.length > shown ? s.append(",... (").append(codes.length).append(")").toString() : s.toString();
    }

    private static String spaced(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        int shown = Math.min(bytes.length, 8);
        for (int i = 0; i < shown; i++) {
            s.append(i == 0 ? "" : " ").append(HexBytes.code(bytes[i]));
        }
        return bytes.length > shown ? s.append(" ...").toString() : s.toString();
    }

    private static int[] repeat(int[] pattern, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    private static int roundUp(int n, int per) {
        return (n + per - 1) / per * per;
    }
}

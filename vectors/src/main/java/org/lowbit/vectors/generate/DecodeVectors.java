package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.DecodeGroup;
import org.lowbit.vectors.DecodeTest;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.VectorFile;

/** Decode vectors: every code of one element format, with its exact FP32 value (SPEC.md §1). */
final class DecodeVectors {
    private DecodeVectors() {}

    static String path(ElementFormat format) {
        return "decode/decode_" + format.id() + ".json";
    }

    static VectorFile file(ElementFormat format, Level level) {
        FileBuilder b = new FileBuilder(Operation.DECODE, format.id(), VectorFile.NO_PROFILE, level, List.of(
                String.format(Locale.ROOT, "Decode every code of %s (%d codes) to its exact FP32 value (SPEC.md"
                              + " section 1). An expected NaN matches any NaN.", format.id(), format.codeCount()),
                "Decoding has no knobs; the same file serves every profile."));
        List<DecodeTest> tests = new ArrayList<>();
        for (int code = 0; code < format.codeCount(); code++) {
            int bits = Oracle.decode(code, format);
            EnumSet<Flag> flags = EnumSet.of(Flag.EXHAUSTIVE_CODE);
            String tag = tag(format, code, bits, flags);
            String comment = CodeText.hex(code) + " = " + CodeText.fields(format, code) + " -> "
                             + CodeText.f32(bits) + tag;
            tests.add(new DecodeTest(b.nextId(), comment, b.flags(flags), HexBytes.code(code), HexBytes.f32(bits),
                    Result.VALID));
        }
        b.add(new DecodeGroup(format, "level1/every-code", 0, tests));
        return b.build();
    }

    private static String tag(ElementFormat format, int code, int bits, EnumSet<Flag> flags) {
        if (format.isNaNCode(code)) {
            flags.add(Flag.NAN_CODE_DECODE);
            return switch (format.specials()) {
                case FNUZ -> " (the single NaN: the negative-zero pattern of a fnuz format)";
                case E8M0 -> " (NaN, not Inf)";
                default -> " (NaN)";
            };
        }
        if (format.isInfinityCode(code)) {
            flags.add(Flag.INF_CODE_DECODE);
            return " (Inf)";
        }
        if ((bits & 0x7FFFFFFF) == 0) {
            flags.add(Flag.SIGNED_ZERO);
            return bits < 0 ? " (negative zero)" : " (zero)";
        }
        if (format == ElementFormat.E8M0 && code == 0) {
            return " (code 0x00 is 2^-127, not zero)";
        }
        int magnitude = code & ~format.signMask();
        if (format.isFloat() && format.hasSubnormals() && magnitude >>> format.mantissaBits() == 0) {
            flags.add(Flag.SUBNORMAL_IN);
            return magnitude == 1 ? " (subnormal, the smallest)" : " (subnormal)";
        }
        if (magnitude == format.maxFiniteCode()) {
            return format.isInteger() ? " (max)" : " (max normal)";
        }
        if (format.isInteger() && format.isSigned() && code == 1 << (format.bits() - 1)) {
            return " (the most negative: full range only)";
        }
        return "";
    }
}

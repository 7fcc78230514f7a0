package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.Note;

/**
 * The parts of a failure message (DESIGN.md §5): the case, why the vector exists and its flags with their
 * notes, the inputs in hex and decoded (sign, exponent, mantissa, value), and a decoded mismatch table that
 * lists, element by element, only what differs.
 */
final class FailureText {
    private FailureText() {}

    /** The most rows a mismatch table or an input listing shows. */
    static final int MAX_ROWS = 48;

    static String header(RunContext ctx, String caseId, String comment, List<String> flags, Map<String, Note> notes) {
        StringBuilder s = new StringBuilder();
        s.append("target '").append(ctx.targetName()).append("', case ").append(caseId);
        if (!comment.isEmpty()) {
            s.append("\n  why: ").append(comment);
        }
        if (!flags.isEmpty()) {
            s.append("\n  flags:");
            for (String f : flags) {
                Note n = notes.get(f);
                s.append("\n    ").append(f);
                if (n != null) {
                    s.append(" (").append(n.bugType()).append("): ").append(n.description());
                    if (!n.links().isEmpty()) {
                        s.append(" ").append(n.links());
                    }
                }
            }
        }
        return s.toString();
    }

    /** A source value: {@code 0x3f80 (S=0 E=01111111 M=0000000, 1)}. */
    static String source(SourceFormat source, int bits) {
        return switch (source) {
            case FP32 -> CodeText.f32Fields(bits);
            case BF16 -> String.format(Locale.ROOT, "0x%04x (S=%d E=%s M=%s, %s)", bits & 0xFFFF, (bits >>> 15) & 1,
                    CodeText.bits(bits >>> 7, 8), CodeText.bits(bits, 7), CodeText.f32(ElementCodec.bfloat16ToFloat32Bits(bits & 0xFFFF)));
            case FP16 -> String.format(Locale.ROOT, "0x%04x (S=%d E=%s M=%s, %s)", bits & 0xFFFF, (bits >>> 15) & 1,
                    CodeText.bits(bits >>> 10, 5), CodeText.bits(bits, 10), CodeText.f32(ElementCodec.float16ToFloat32Bits(bits & 0xFFFF)));
            case FP64 -> String.format(Locale.ROOT, "0x%016x", bits);
        };
    }

    /** The source values of a little-endian array, one per line (the first {@link #MAX_ROWS}). */
    static String inputs(SourceFormat source, byte[] input) {
        int n = input.length / source.bytes();
        StringBuilder s = new StringBuilder();
        s.append("\n  input (").append(source.id()).append(", ").append(n).append(n == 1 ? " value" : " values").append(")");
        int shown = 0;
        for (int i = 0; i < n && shown < MAX_ROWS; i++) {
            int bits = word(source, input, i);
            if (n > 8 && bits == 0) {
                continue;
            }
            s.append("\n    [").append(i).append("] ").append(source(source, bits));
            shown++;
        }
        if (n > 8) {
            s.append("\n    (+0 elements not listed)");
        }
        return s.toString();
    }

    static int word(SourceFormat source, byte[] bytes, int i) {
        return source.bytes() == 4 ? LittleEndian.getInt(bytes, 4 * i) : LittleEndian.getShort(bytes, 2 * i) & 0xFFFF;
    }

    /** A code with its fields and value, or a note that it is no code of the format. */
    static String code(ElementFormat format, int code) {
        if (!format.isValidCode(code)) {
            return String.format(Locale.ROOT, "0x%02x (not a %s code)", code, format.id());
        }
        return CodeText.code(format, code);
    }

    /** A decoded mismatch table: field, index, expected, actual; only the rows that differ. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private int count;

        void add(String field, String index, String expected, String actual) {
            count++;
            if (rows.size() < MAX_ROWS) {
                rows.add(new String[] {field, index, expected, actual});
            }
        }

        boolean isEmpty() { return count == 0; }

        int count() { return count; }

        @Override
        public String toString() {
            if (count == 0) {
                return "";
            }
            int[] w = {5, 5, 8, 6};
            for (String[] r : rows) {
                for (int i = 0; i < 4; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            String fmt = "    %-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %s%n";
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, fmt, "field", "index", "expected", "actual"));
            for (String[] r : rows) {
                s.append(String.format(Locale.ROOT, fmt, (Object[]) r));
            }
            if (count > rows.size()) {
                s.append("    ... ").append(count - rows.size()).append(" more differences\n");
            }
            return s.toString();
        }
    }
}

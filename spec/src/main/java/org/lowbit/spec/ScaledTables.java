package org.lowbit.spec;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledPolicies.ZeroScale;

/**
 * The scaled formats' tables of SPEC.md §11 (formats, knobs, profiles), rendered from their data;
 * {@link SpecTables} places them in the document and its drift test covers them.
 */
final class ScaledTables {
    private ScaledTables() {}

    static String formats() {
        StringBuilder sb = new StringBuilder();
        sb.append("| id | element | block (rows×cols) | rules |\n|---|---|---|---|\n");
        for (ScaledFormat f : ScaledFormat.values()) {
            String elements = f.rules().stream().map(f::elementFormat).distinct().map(ElementFormat::id)
                    .collect(Collectors.joining(", "));
            String rules = f.rules().stream().map(r -> "`" + r.name() + "`").collect(Collectors.joining(", "));
            sb.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s |%n", f.id(), elements, f.blockText(), rules));
        }
        return sb.toString();
    }

    static String knobs() {
        StringBuilder sb = new StringBuilder();
        sb.append("| knob | value | meaning |\n|---|---|---|\n");
        for (QuantizerRule v : QuantizerRule.values()) {
            row(sb, "rule", v.name(), v.meaning() + "; zero point " + v.zeroPoint().name());
        }
        for (ZeroPoint v : ZeroPoint.values()) {
            row(sb, "zero point (by rule)", v.name(), v.meaning());
        }
        for (ScaleApplication v : ScaleApplication.values()) {
            row(sb, "application", v.name(), v.meaning());
        }
        for (ScalarDivision v : ScalarDivision.values()) {
            row(sb, "scalar division", v.name(), v.meaning());
        }
        for (CodeRounding v : CodeRounding.values()) {
            row(sb, "rounding", v.name(), v.meaning());
        }
        row(sb, "range", "SYMMETRIC", "[-qmax, qmax]: int8 [-127, 127], int4 [-7, 7]");
        row(sb, "range", "FULL", "[qmin, qmax]: int8 [-128, 127], int4 [-8, 7]");
        row(sb, "fp8 overflow", "SATFINITE", "beyond 448 to ±448 (CUDA, Triton cvt .satfinite)");
        row(sb, "fp8 overflow", "NONSAT", "beyond 464 to NaN (PyTorch .to(float8_e4m3fn))");
        for (Precision v : Precision.values()) {
            row(sb, "arithmetic, scale dtype, dequant arithmetic", v.id(),
                    String.format(Locale.ROOT, "%d-bit significand, emin %d, emax %d", v.precision(), v.emin(), v.emax()));
        }
        row(sb, "amax floor", "0 or a literal", "amax = max(amax, floor), the literal rounded to f32, then to the arithmetic");
        for (ZeroScale v : ZeroScale.values()) {
            row(sb, "zero scale", v.name(), v.meaning());
        }
        for (ScaleRounding v : ScaleRounding.values()) {
            row(sb, "scale rounding", v.name(), v.meaning());
        }
        for (FloatZero v : FloatZero.values()) {
            row(sb, "float zero", v.name(), v.meaning());
        }
        row(sb, "group size", "G > 0", "int4_group only (32, 64, 128 in AWQ, GPTQ, HQQ); 0 for the fixed blocks");
        for (Tail v : Tail.values()) {
            row(sb, "tail", v.name(), v.meaning());
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String knob, String value, String meaning) {
        sb.append(String.format(Locale.ROOT, "| %s | `%s` | %s |%n", knob, value, meaning.replace("|", "\\|")));
    }

    static String profiles() {
        StringBuilder sb = new StringBuilder();
        for (ScaledProfile p : ScaledProfile.values()) {
            sb.append("#### `").append(p.id()).append("`\n\n");
            sb.append("Sources: ").append(p.sources()).append(".\n\n");
            for (String note : p.notes()) {
                sb.append("- ").append(note).append('\n');
            }
            sb.append('\n');
            sb.append("| format | rule | application | scalar division | rounding | range | arithmetic | scale | dequant"
                      + " | amax floor | zero scale | fp8 overflow | extra | G | tail |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (ScaledFormat f : p.formats()) {
                ScaledKnobs k = p.knobsFor(f);
                boolean fp8 = f.family() == ScaledFormat.Family.FP8_E4M3;
                boolean signed = f.elementFormat(k.rule()) == ElementFormat.INT8
                                 || f.elementFormat(k.rule()) == ElementFormat.INT4;
                String extra = k.scaleRounding() != ScaleRounding.AS_COMPUTED ? k.scaleRounding().name()
                               : k.rule() == QuantizerRule.HQQ_MIN_MAX ? "zero " + k.floatZero().name() : "—";
                sb.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        f.id(), k.rule().name(), k.application().name(), k.scalarDivision().name(),
                        fp8 ? "RNE" : k.rounding().name(), signed ? k.range().name() : "—", k.arithmetic().id(),
                        k.scaleDtype().id(), k.dequantArithmetic().id(),
                        k.amaxFloor() == 0 ? "—" : Double.toString(k.amaxFloor()), k.zeroScale().name(),
                        fp8 ? k.fp8Overflow().name() : "—", extra, f.hasGroupSize() ? Integer.toString(k.groupSize()) : "—",
                        k.tail().name()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

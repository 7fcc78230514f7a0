package org.lowbit.spec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The tables of SPEC.md, rendered from the Java data so that the document cannot drift from the code.
 *
 * <p>SPEC.md marks each generated section with a pair of HTML comments,
 * {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}; {@link #regenerate(String)}
 * replaces what lies between them, and a test fails when that changes the committed file.
 */
public final class SpecTables {
    private SpecTables() {}

    private static final Map<String, Supplier<String>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("element-formats", SpecTables::elementFormats);
        SECTIONS.put("source-formats", SpecTables::sourceFormats);
        SECTIONS.put("knobs", SpecTables::knobs);
        SECTIONS.put("profiles", SpecTables::profiles);
        SECTIONS.put("block-formats", SpecTables::blockFormats);
        SECTIONS.put("scale-rules", SpecTables::scaleRules);
        SECTIONS.put("block-profiles", SpecTables::blockProfiles);
        SECTIONS.put("layouts", SpecTables::layouts);
        SECTIONS.put("dot-accumulation", SpecTables::dotAccumulation);
        SECTIONS.put("scaled-formats", ScaledTables::formats);
        SECTIONS.put("scaled-knobs", ScaledTables::knobs);
        SECTIONS.put("scaled-profiles", ScaledTables::profiles);
    }

    /** The names of the generated sections, in document order. */
    public static List<String> sectionNames() {
        return List.copyOf(SECTIONS.keySet());
    }

    /** One generated section, as Markdown. */
    public static String section(String name) {
        Supplier<String> s = SECTIONS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no generated section '" + name + "'; known: " + SECTIONS.keySet());
        }
        return s.get();
    }

    /** Every generated section, in document order, as Markdown (what {@code lowbit spec} prints). */
    public static String render() {
        return SECTIONS.values().stream().map(Supplier::get).collect(Collectors.joining("\n"));
    }

    /**
     * Replaces the body of every generated section of {@code document} with its fresh rendering.
     *
     * @throws IllegalArgumentException if a section's markers are missing
     */
    public static String regenerate(String document) {
        String result = document;
        for (String name : SECTIONS.keySet()) {
            Pattern p = Pattern.compile("(<!-- generated:" + Pattern.quote(name) + " -->\n)(.*?)(<!-- end:"
                                        + Pattern.quote(name) + " -->)", Pattern.DOTALL);
            Matcher m = p.matcher(result);
            if (!m.find()) {
                throw new IllegalArgumentException("SPEC.md lacks the markers of generated section '" + name + "'");
            }
            result = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + section(name) + m.group(3)));
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------

    private static String elementFormats() {
        StringBuilder sb = new StringBuilder();
        sb.append("| id | layout | bits | bias | emax | emin | max finite | min normal | min subnormal | Inf | NaN |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ElementFormat f : ElementFormat.values()) {
            sb.append(row(
                    "`" + f.id() + "`",
                    "`" + layout(f) + "`",
                    Integer.toString(f.bits()),
                    f.isFloat() ? Integer.toString(f.bias()) : "—",
                    Integer.toString(f.emax()),
                    Integer.toString(f.emin()),
                    exact(f.maxFinite()) + " (" + hex(f, f.maxFiniteCode()) + ")",
                    exact(f.minNormal()),
                    exact(f.minSubnormal()),
                    f.hasInfinity() ? hex(f, infinityCode(f)) + ", " + hex(f, infinityCode(f) | f.signMask()) : "none",
                    f.hasNaN() ? IntStream.of(f.nanCodes()).mapToObj(c -> hex(f, c)).collect(Collectors.joining(", "))
                               : "none"));
        }
        return sb.toString();
    }

    private static int infinityCode(ElementFormat f) {
        return ((1 << f.exponentBits()) - 1) << f.mantissaBits();
    }

    private static String layout(ElementFormat f) {
        if (f.isInteger()) {
            String kind = f.isSigned() ? "two's complement" : "unsigned";
            return f.fractionBits() == 0 ? kind : kind + " · 2^-" + f.fractionBits();
        }
        String fields = "E".repeat(f.exponentBits()) + (f.mantissaBits() > 0 ? " " + "M".repeat(f.mantissaBits()) : "");
        if (f.isSigned()) {
            return "S " + fields;
        }
        return f.bits() > f.exponentBits() + f.mantissaBits() ? "0 " + fields : fields;
    }

    private static String sourceFormats() {
        StringBuilder sb = new StringBuilder();
        sb.append("| id | bits | exponent bits | mantissa bits | bias | max finite | min normal | min subnormal |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (SourceFormat f : SourceFormat.values()) {
            sb.append(row("`" + f.id() + "`", Integer.toString(f.bits()), Integer.toString(f.exponentBits()),
                    Integer.toString(f.mantissaBits()), Integer.toString(f.bias()),
                    "(2 − 2^-" + f.mantissaBits() + ")·2^" + f.bias(),
                    exact(f.minNormal()), exact(f.minSubnormal())));
        }
        return sb.toString();
    }

    private static String knobs() {
        StringBuilder sb = new StringBuilder();
        sb.append("| knob | value | meaning |\n|---|---|---|\n");
        for (Rounding r : Rounding.values()) {
            sb.append(row("rounding", "`" + r.name() + "`", r.meaning()));
        }
        for (Overflow o : Overflow.values()) {
            sb.append(row("overflow", "`" + o.name() + "`", o.meaning()));
        }
        for (SpecialPolicies.InfPolicy p : SpecialPolicies.InfPolicy.values()) {
            sb.append(row("infinity", "`" + p.name() + "`", p.meaning()));
        }
        for (SpecialPolicies.NanPolicy p : SpecialPolicies.NanPolicy.values()) {
            sb.append(row("nan", "`" + p.name() + "`", p.meaning() + " (applies to: " + applicable(p) + ")"));
        }
        for (SpecialPolicies.NegativePolicy p : SpecialPolicies.NegativePolicy.values()) {
            sb.append(row("negative (unsigned formats)", "`" + p.name() + "`", p.meaning()));
        }
        for (SpecialPolicies.E8m0ZeroPolicy p : SpecialPolicies.E8m0ZeroPolicy.values()) {
            sb.append(row("e8m0 zero", "`" + p.name() + "`", p.meaning()));
        }
        for (SpecialPolicies.E8m0BottomBinade p : SpecialPolicies.E8m0BottomBinade.values()) {
            sb.append(row("e8m0 bottom binade", "`" + p.name() + "`", p.meaning()));
        }
        for (SpecialPolicies.IntegerRange p : SpecialPolicies.IntegerRange.values()) {
            sb.append(row("integer range", "`" + p.name() + "`", p.meaning()));
        }
        return sb.toString();
    }

    private static String applicable(SpecialPolicies.NanPolicy p) {
        return ElementFormat.all().stream().filter(p::appliesTo).map(ElementFormat::id)
                .collect(Collectors.joining(", "));
    }

    private static String profiles() {
        StringBuilder sb = new StringBuilder();
        for (ElementProfile p : ElementProfile.values()) {
            sb.append("#### `").append(p.id()).append("`\n\n");
            sb.append("Sources: ").append(p.sources()).append(".\n\n");
            for (String note : p.notes()) {
                sb.append("- ").append(note).append('\n');
            }
            sb.append('\n');
            sb.append("| format | rounding | overflow | infinity | nan | negative | e8m0 zero | e8m0 bottom | integer range |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|\n");
            for (ElementFormat f : ElementFormat.values()) {
                ElementKnobs k = p.knobsFor(f);
                boolean e8m0 = f == ElementFormat.E8M0;
                sb.append(row("`" + f.id() + "`", k.rounding().name(), k.overflow().name(), k.infinity().name(),
                        k.nan().name(),
                        f.isSigned() ? "—" : k.negative().name(),
                        e8m0 ? k.e8m0Zero().name() : "—",
                        e8m0 ? k.e8m0Bottom().name() : "—",
                        f.isInteger() && f.isSigned() ? k.integerRange().name() : "—"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String blockFormats() {
        StringBuilder sb = new StringBuilder();
        sb.append("| id | element | k | scale | emax | per-tensor scale |\n|---|---|---|---|---|---|\n");
        for (BlockFormat f : BlockFormat.values()) {
            sb.append(row("`" + f.id() + "`", "`" + f.element().id() + "`", Integer.toString(f.blockSize()),
                    "`" + f.scale().id() + "`", Integer.toString(f.emax()),
                    f.allowsTensorScale() ? "FP32, optional" : "—"));
        }
        return sb.toString();
    }

    private static String scaleRules() {
        StringBuilder sb = new StringBuilder();
        sb.append("| rule | scale format | meaning |\n|---|---|---|\n");
        for (ScaleRule r : ScaleRule.values()) {
            sb.append(row("`" + r.name() + "`", "`" + r.scaleFormat().id() + "`", r.meaning()));
        }
        return sb.toString();
    }

    private static String blockProfiles() {
        StringBuilder sb = new StringBuilder();
        sb.append("| profile | rule | element profile | rounding | non-finite | zero block | tiny amax | tail"
                  + " | scaling | NVFP4 clamp | tensor scale | formats |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BlockProfile p : BlockProfile.values()) {
            BlockKnobs k = p.knobs();
            boolean nvfp4 = p.formats().stream().allMatch(BlockFormat::isNvfp4);
            sb.append(row("`" + p.id() + "`", k.scaleRule().name(), k.elementProfile().id(), k.elementRounding().name(),
                    k.nonFinite().name(), k.zeroBlock().name(), k.tinyAmax().name(), k.tail().name(),
                    k.scaling().name(), nvfp4 ? k.scaleClamp().name() : "—", k.tensorScale().name(),
                    p.formats().stream().map(BlockFormat::id).collect(Collectors.joining(", "))));
        }
        return sb.toString();
    }

    private static String layouts() {
        StringBuilder sb = new StringBuilder();
        sb.append("| kind | id | meaning | sources |\n|---|---|---|---|\n");
        for (ElementLayout l : ElementLayout.values()) {
            sb.append(row("element", "`" + l.id() + "`", l.meaning(), l.sources()));
        }
        for (WeightLayout l : WeightLayout.values()) {
            sb.append(row("weight", "`" + l.id() + "`", l.meaning(), l.sources()));
        }
        for (ScaleLayout l : ScaleLayout.values()) {
            sb.append(row("scale", "`" + l.id() + "`", l.meaning(), l.sources()));
        }
        return sb.toString();
    }

    private static String dotAccumulation() {
        StringBuilder sb = new StringBuilder();
        sb.append("| accumulation | meaning | source |\n|---|---|---|\n");
        for (DotAccumulation d : DotAccumulation.values()) {
            sb.append(row("`" + d.name() + "`", d.meaning(), d.source()));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String hex(ElementFormat f, int code) {
        return String.format(Locale.ROOT, f.bits() > 4 ? "0x%02X" : "0x%X", code);
    }

    /**
     * An exact decimal when it is short (448, 0.0625, 1.984375), else m·2^e with m odd
     * (2^-127, 2^-149).
     */
    static String exact(double value) {
        int binade = Math.getExponent(value);
        if (value == Math.scalb(1.0, binade) && (binade < -2 || binade > 10)) {
            return "2^" + binade;
        }
        String plain = new BigDecimal(value).stripTrailingZeros().toPlainString();
        if (plain.length() <= 12) {
            return plain;
        }
        long bits = Double.doubleToRawLongBits(value);
        int exponent = Math.getExponent(value);
        long significand = (bits & ((1L << 52) - 1)) | (1L << 52);
        int shift = Long.numberOfTrailingZeros(significand);
        long odd = significand >>> shift;
        int e = exponent - 52 + shift;
        List<String> parts = new ArrayList<>();
        if (odd != 1) {
            parts.add(Long.toString(odd));
        }
        parts.add("2^" + e);
        return String.join("·", parts);
    }
}

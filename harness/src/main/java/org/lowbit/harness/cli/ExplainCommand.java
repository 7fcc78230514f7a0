package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit explain}: what a code means, or how a value encodes (DESIGN.md §7).
 *
 * <ul>
 *   <li>A code ({@code 0x7E}, {@code 0b1111110}): its bit fields, class, exact value and FP32 bits.</li>
 *   <li>A value ({@code 464}, {@code -0.3}, {@code inf}, {@code nan}, or {@code --bits 0x43E80000}):
 *       see {@link EncodingExplanation}.</li>
 * </ul>
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
         description = {
             "Decodes a code, or shows step by step how a value encodes.",
             "A code (0x7E, 0b1111110): its fields, class, exact value and FP32 bits.",
             "A value (464, -0.3, 1e-3, inf, -inf, nan, or --bits): its neighbouring codes, the midpoint,"
             + " the profile's rule, and the code the reference codec gives."})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", completionCandidates = CliNames.FormatIds.class,
                description = "Element format: ${COMPLETION-CANDIDATES}.")
    String formatId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CODE|VALUE",
                description = "A code in hex or binary, or a decimal value.")
    String codeOrValue;

    // -inf and -nan look like options to picocli (negative numbers do not): accept them as such.
    @Option(names = {"-inf", "-Inf", "-INF", "-infinity"}, hidden = true)
    boolean negativeInfinity;

    @Option(names = {"-nan", "-NaN", "-NAN"}, hidden = true)
    boolean negativeNaN;

    @Option(names = "--bits", paramLabel = "HEX", description = "The value as an exact bit pattern of --from.")
    String bits;

    @Option(names = "--from", paramLabel = "FORMAT", defaultValue = "f32",
            description = "The wide format of the value: f32 (default), bf16 or f16.")
    String from;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "ocp",
            completionCandidates = CliNames.ProfileIds.class,
            description = "Element profile: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String profileId;

    @Option(names = "--rounding", paramLabel = "R", completionCandidates = CliNames.RoundingNames.class,
            description = "Overrides the profile's rounding: ${COMPLETION-CANDIDATES}.")
    String rounding;

    @Option(names = "--overflow", paramLabel = "O", completionCandidates = CliNames.OverflowNames.class,
            description = "Overrides the profile's overflow: ${COMPLETION-CANDIDATES}.")
    String overflow;

    @Option(names = "--random", paramLabel = "HEX", description = "For --rounding SR: the 32 random bits, as a uint32.")
    String random;

    @Override
    public Integer call() {
        ElementFormat format = CliNames.elementFormat(formatId);
        ElementProfile profile = CliNames.profile(profileId);
        ElementKnobs knobs = CliNames.knobs(format, profile, rounding, overflow);
        SourceFormat source = CliNames.wideFormat(from, "--from");
        Long randomBits = random == null ? null : CodeText.parseUnsigned(random, "--random");
        if (randomBits != null && knobs.rounding() != Rounding.SR) {
            throw new CliException("--random is only for rounding SR, and the rounding is " + knobs.rounding());
        }
        String operand = operand();
        if ((operand == null) == (bits == null)) {
            throw new CliException(operand == null
                    ? "give a code or a value to explain, e.g. 'lowbit explain fp8_e4m3 0x7E' or '... 464'"
                    : "give a code or value, or --bits, not both");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (operand != null && CodeText.looksLikeCode(operand)) {
            explainCode(CodeText.parseCode(operand, format), format, out);
            return ExitCode.OK;
        }
        SourceValue value = bits != null ? SourceValue.ofBits(CodeText.parseUnsigned(bits, "--bits"), source)
                                         : SourceValue.parse(operand, source);
        new EncodingExplanation(format, profile, knobs, randomBits, out).explain(value);
        return ExitCode.OK;
    }

    /** The code or value; {@code -inf} and {@code -nan} arrive as the hidden options picocli takes them for. */
    private String operand() {
        int given = (codeOrValue != null ? 1 : 0) + (negativeInfinity ? 1 : 0) + (negativeNaN ? 1 : 0);
        if (given > 1) {
            throw new CliException("give one code or value to explain");
        }
        return negativeInfinity ? "-inf" : negativeNaN ? "-nan" : codeOrValue;
    }

    private static void explainCode(int code, ElementFormat format, PrintWriter out) {
        out.printf(Locale.ROOT, "%-10s%s  %s  %s%n", "code", CodeText.hex(code, format), format.id(),
                CodeText.fields(code, format));
        out.printf(Locale.ROOT, "%-10s%s%n", "class", className(code, format));
        out.printf(Locale.ROOT, "%-10s%s%n", "value", CodeText.value(code, format));
        out.printf(Locale.ROOT, "%-10s0x%08X%n", "fp32", ElementCodec.decodeToFloat32Bits(code, format));
    }

    private static String className(int code, ElementFormat format) {
        String name = CodeText.className(code, format);
        if (format.isInteger()) {
            return name + (format.isSigned() ? ", two's complement" : ", unsigned")
                   + (format.fractionBits() > 0 ? ", scaled by 2^-" + format.fractionBits() : "");
        }
        return switch (name) {
            case "subnormal" -> name + ": exponent field 0, so 0.M × 2^emin, emin = " + format.emin();
            case "normal" -> format.specials() == ElementFormat.Specials.E8M0
                             ? name + ": 2^(E - " + format.bias() + ")"
                             : name + ": 1.M × 2^(E - " + format.bias() + ")";
            default -> name;
        };
    }
}

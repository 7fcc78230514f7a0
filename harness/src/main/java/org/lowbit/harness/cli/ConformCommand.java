package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.conformance.ElementSweep;
import org.lowbit.conformance.ElementSweep.Outcome;
import org.lowbit.conformance.ElementTarget;
import org.lowbit.harness.targets.ReferenceTarget;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit conform}: runs the element conformance checks on a target and prints the result
 * matrix (target × profile × format × operation) on stdout, as Markdown. Every code is decoded and
 * every FP16 and BF16 input is encoded, each compared bit for bit with the exact oracle. Exits 0
 * only if every check passed.
 */
@Command(name = "conform", mixinStandardHelpOptions = true,
         description = "Checks a target against the exact oracle: every code decoded, every f16 and bf16 input"
                       + " encoded, for each format under each profile; prints the result matrix.")
final class ConformCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = "reference",
            description = "The target to check (default ${DEFAULT-VALUE}; known: reference).")
    String targetName;

    @Option(names = "--profile", paramLabel = "NAME", split = ",",
            completionCandidates = CliNames.ProfileIds.class,
            description = "Profiles to check, comma-separated (default: all): ${COMPLETION-CANDIDATES}.")
    List<String> profileIds;

    @Option(names = "--format", paramLabel = "FORMAT", split = ",",
            completionCandidates = CliNames.FormatIds.class,
            description = "Formats to check, comma-separated (default: all).")
    List<String> formatIds;

    @Option(names = "--all-knobs",
            description = "Also sweep every rounding × overflow combination under each profile (12× longer).")
    boolean allKnobs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ElementTarget target = target(targetName);
        List<ElementProfile> profiles = profileIds == null ? List.of(ElementProfile.values())
                : profileIds.stream().map(CliNames::profile).toList();
        List<ElementFormat> formats = formatIds == null ? List.of(ElementFormat.values())
                : formatIds.stream().map(CliNames::elementFormat).toList();

        long started = System.nanoTime();
        List<String[]> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long cases = 0;
        long failed = 0;
        for (ElementProfile profile : profiles) {
            for (ElementFormat format : formats) {
                for (ElementKnobs knobs : knobsToCheck(profile, format)) {
                    String knobLabel = knobs.rounding() + " " + knobs.overflow();
                    for (SourceFormat source : List.of(SourceFormat.FP16, SourceFormat.BF16)) {
                        Outcome o = ElementSweep.encodeEverySixteenBitInput(target, source, format, knobs);
                        rows.add(row(target, profile, format, knobLabel, o));
                        cases += o.cases();
                        failed += o.failures();
                        o.firstFailures().forEach(f -> failures.add(profile + " " + knobLabel + ": " + f));
                    }
                }
            }
        }
        for (ElementFormat format : formats) {
            Outcome o = ElementSweep.decodeEveryCode(target, format);
            rows.add(row(target, null, format, "—", o));
            cases += o.cases();
            failed += o.failures();
            failures.addAll(o.firstFailures());
        }

        out.println("| target | profile | format | knobs | operation | cases | failures | result |");
        out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(r -> out.println("| " + String.join(" | ", r) + " |"));
        out.printf(Locale.ROOT, "%n%d cases, %d failures, %.1f s%n", cases, failed, (System.nanoTime() - started) / 1e9);
        if (failed > 0) {
            err.println("lowbit: conformance failures (first of each check):");
            failures.forEach(f -> err.println("  " + f));
            err.printf(Locale.ROOT, "  reproduce one: lowbit explain FORMAT VALUE --profile P --from f16|bf16%n");
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }

    private List<ElementKnobs> knobsToCheck(ElementProfile profile, ElementFormat format) {
        ElementKnobs own = profile.knobsFor(format);
        if (!allKnobs) {
            return List.of(own);
        }
        List<ElementKnobs> all = new ArrayList<>();
        for (Rounding r : Rounding.values()) {
            for (Overflow o : Overflow.values()) {
                all.add(own.withRounding(r).withOverflow(o));
            }
        }
        return all;
    }

    private static String[] row(ElementTarget target, ElementProfile profile, ElementFormat format, String knobs,
                                Outcome o) {
        return new String[] {target.name(), profile == null ? "—" : profile.id(), format.id(), knobs, o.operation(),
                Long.toString(o.cases()), Long.toString(o.failures()), o.passed() ? "PASS" : "FAIL"};
    }

    private static ElementTarget target(String name) {
        if (name.equals("reference")) {
            return new ReferenceTarget();
        }
        throw new CliException("unknown target '" + name + "'; known targets: reference");
    }
}

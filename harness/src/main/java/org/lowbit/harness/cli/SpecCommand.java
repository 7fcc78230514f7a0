package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SpecTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit spec}: the format and profile tables of SPEC.md ({@link SpecTables#render()}), or with
 * {@code --format} every code of one format, both as Markdown.
 */
@Command(name = "spec", mixinStandardHelpOptions = true,
         description = "Prints the format and profile tables as Markdown, or every code of one format.")
final class SpecCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = CliNames.FormatIds.class,
            description = "Print every code of this format: ${COMPLETION-CANDIDATES}.")
    String formatId;

    @Option(names = "--update-doc", paramLabel = "FILE",
            description = "Rewrite the generated tables of this SPEC.md from the Java data, in place.")
    java.nio.file.Path documentToUpdate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (documentToUpdate != null) {
            return updateDocument(documentToUpdate, out);
        }
        if (formatId == null) {
            out.print(SpecTables.render());
        } else {
            printCodeTable(CliNames.elementFormat(formatId), out);
        }
        return ExitCode.OK;
    }

    /** Regenerates the tables between the generated markers of a SPEC.md (SpecTables.regenerate). */
    private static int updateDocument(java.nio.file.Path document, PrintWriter out) {
        String text = new String(BinaryFiles.read(document, "--update-doc"), java.nio.charset.StandardCharsets.UTF_8);
        String regenerated;
        try {
            regenerated = SpecTables.regenerate(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(document + ": " + e.getMessage(), e);
        }
        BinaryFiles.writeAtomically(document, regenerated.getBytes(java.nio.charset.StandardCharsets.UTF_8), "--update-doc");
        out.println(regenerated.equals(text) ? document + ": up to date" : document + ": tables regenerated");
        return ExitCode.OK;
    }

    /** A heading, then one row per code: code, bits, class, value, FP32 bits. */
    private static void printCodeTable(ElementFormat format, PrintWriter out) {
        out.printf(Locale.ROOT, "## %s: %s, %d codes%n%n", format.id(), CodeText.layout(format), format.codeCount());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"code", "bits", "class", "value", "fp32"});
        for (int code = 0; code < format.codeCount(); code++) {
            rows.add(new String[] {CodeText.hex(code, format), CodeText.groupedBits(code, format),
                    CodeText.className(code, format), CodeText.shortValue(code, format),
                    String.format(Locale.ROOT, "0x%08X", ElementCodec.decodeToFloat32Bits(code, format))});
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        printRow(rows.getFirst(), widths, out);
        String[] rule = new String[widths.length];
        for (int column = 0; column < widths.length; column++) {
            rule[column] = "-".repeat(widths[column]);
        }
        printRow(rule, widths, out);
        rows.stream().skip(1).forEach(row -> printRow(row, widths, out));
    }

    private static void printRow(String[] cells, int[] widths, PrintWriter out) {
        StringBuilder line = new StringBuilder("|");
        for (int column = 0; column < cells.length; column++) {
            String cell = cells[column];
            line.append(' ').append(cell).append(" ".repeat(widths[column] - cell.length())).append(" |");
        }
        out.println(line);
    }
}

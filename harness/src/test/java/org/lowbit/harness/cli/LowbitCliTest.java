package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.harness.cli.CliRun.lowbit;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SpecTables;

class LowbitCliTest {

    @Test
    @DisplayName("--version and --help print to stdout and exit 0")
    void versionAndHelp() {
        assertTrue(lowbit("--version").assertOk().out().startsWith("lowbit "));
        lowbit("--help").assertOk().assertOutContains("Usage: lowbit", "convert", "quantize", "dequantize", "explain", "spec");
        lowbit("convert", "--help").assertOk().assertOutContains("--random-bits=FILE", "ml-dtypes, cuda-satfinite");
        lowbit("help", "explain").assertOk().assertOutContains("Usage: lowbit explain");
    }

    @Test
    @DisplayName("no subcommand, or an unknown one, is a usage error")
    void usageErrors() {
        lowbit().assertBadInput("no subcommand given; use one of: convert, quantize, dequantize, explain, spec");
        lowbit("frobnicate").assertBadInput("Unmatched argument");
        lowbit("--frobnicate").assertBadInput("Unknown option: '--frobnicate' (see 'lowbit --help')");
    }

    @Test
    @DisplayName("spec prints SpecTables.render()")
    void specTables() {
        assertEquals(SpecTables.render(), lowbit("spec").assertOk().out());
    }

    @Test
    @DisplayName("spec --format fp4_e2m1 prints its 16 codes")
    void specCodeTable() {
        List<String> rows = lowbit("spec", "--format", "fp4_e2m1").assertOk().out().lines()
                .filter(line -> line.startsWith("| 0x")).toList();
        assertEquals(16, rows.size());
        assertTrue(rows.get(7).matches("\\| 0x7 +\\| 0 11 1 +\\| normal +\\| 1\\.5 × 2\\^2 = 6 +\\| 0x40C00000 \\|"), rows.get(7));
        assertEquals(128, lowbit("spec", "--format", "ue4m3").out().lines().filter(l -> l.startsWith("| 0x")).count());
        lowbit("spec", "--format", "fp5").assertBadInput("unknown element format 'fp5'");
    }

    @ParameterizedTest(name = "spec --format {0} prints one row per code")
    @EnumSource(ElementFormat.class)
    void specCodeTableOfEveryFormat(ElementFormat format) {
        long rows = lowbit("spec", "--format", format.id()).assertOk().out().lines()
                .filter(line -> line.startsWith("| 0x")).count();
        assertEquals(format.codeCount(), rows);
    }

    @Test
    @DisplayName("LOWBIT_DEBUG=1 adds the stack trace to the error line")
    void debugStackTrace() {
        CliRun run = lowbit(Map.of("LOWBIT_DEBUG", "1"), "spec", "--format", "fp5");
        assertEquals(ExitCode.BAD_INPUT, run.exitCode());
        assertTrue(run.err().startsWith("lowbit: error: unknown element format 'fp5'"), run.err());
        assertTrue(run.err().contains("\tat org.lowbit."), run.err());
    }
}

package org.lowbit.harness.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit vectors}: the golden vectors (vectors/FORMAT.md) — {@code generate}, {@code lint} and
 * {@code verify}, one class each.
 */
@Command(name = "vectors", mixinStandardHelpOptions = true,
         description = "Generates, lints and verifies golden vector sets (vectors/FORMAT.md).",
         subcommands = {
             VectorsGenerateCommand.class,
             VectorsLintCommand.class,
             VectorsVerifyCommand.class,
             CommandLine.HelpCommand.class,
         })
final class VectorsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** {@code lowbit vectors} alone: a usage error that lists the subcommands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no subcommand given; use one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}

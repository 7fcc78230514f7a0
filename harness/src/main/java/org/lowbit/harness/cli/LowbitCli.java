package org.lowbit.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code lowbit} command line (DESIGN.md §7): one class per subcommand, each registered by one
 * line in {@code subcommands} below.
 *
 * <p>Data goes to stdout, messages to stderr. Every error is one line, {@code lowbit: error: ...},
 * with no stack trace unless the environment has {@code LOWBIT_DEBUG=1}. Exit codes are those of
 * {@link ExitCode}: 0 ok, 1 a check failed, 2 bad usage or input, 3 internal error. Text is UTF-8.
 */
@Command(name = "lowbit", mixinStandardHelpOptions = true, versionProvider = LowbitCli.Version.class,
         description = "Bit-exact reference codec for low-bit LLM number formats.",
         subcommands = {
             ConvertCommand.class,
             QuantizeCommand.class,
             DequantizeCommand.class,
             ExplainCommand.class,
             SpecCommand.class,
             ConformCommand.class,
             VectorsCommand.class,
             // bench: one line, here
             CommandLine.HelpCommand.class,
         })
public final class LowbitCli implements Callable<Integer> {

    private final Map<String, String> environment;
    private final CommandLine.IFactory factory;

    @Spec
    CommandSpec spec;

    public LowbitCli() {
        this(System.getenv());
    }

    /** @param environment where {@code LOWBIT_DEBUG} is looked up */
    LowbitCli(Map<String, String> environment) {
        this(environment, CommandLine.defaultFactory());
    }

    /** @param factory makes the subcommand objects (tests pass one that injects fakes) */
    LowbitCli(Map<String, String> environment, CommandLine.IFactory factory) {
        this.environment = Map.copyOf(environment);
        this.factory = factory;
    }

    public static void main(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, UTF_8), true);
        System.exit(new LowbitCli().execute(args, out, err));
    }

    /**
     * Runs one command line.
     *
     * @return the exit code, one of {@link ExitCode}
     */
    public int execute(String[] args, PrintWriter out, PrintWriter err) {
        try {
            CommandLine commandLine = new CommandLine(this, factory)
                    .setOut(out)
                    .setErr(err)
                    .setParameterExceptionHandler((e, ignored) -> usageError(e, err))
                    .setExecutionExceptionHandler((e, ignored, parseResult) -> failure(e, err));
            return commandLine.execute(args);
        } catch (RuntimeException | Error e) { // outside the handlers: picocli setup, OutOfMemoryError
            return failure(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code lowbit} alone: a usage error that lists the subcommands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no subcommand given; use one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    private int usageError(ParameterException e, PrintWriter err) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println("lowbit: error: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        printStackTraceWhenDebugging(e, err);
        return ExitCode.BAD_INPUT;
    }

    private int failure(Throwable e, PrintWriter err) {
        if (e instanceof CliException) {
            err.println("lowbit: error: " + oneLine(e.getMessage()));
            printStackTraceWhenDebugging(e, err);
            return ExitCode.BAD_INPUT;
        }
        err.println("lowbit: error: internal error: " + oneLine(String.valueOf(e))
                    + (debugging() ? "" : " (LOWBIT_DEBUG=1 prints the stack trace)"));
        printStackTraceWhenDebugging(e, err);
        return ExitCode.INTERNAL_ERROR;
    }

    private void printStackTraceWhenDebugging(Throwable e, PrintWriter err) {
        if (debugging()) {
            e.printStackTrace(err);
        }
    }

    private boolean debugging() {
        return "1".equals(environment.get("LOWBIT_DEBUG"));
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** {@code lowbit --version}: the jar's Implementation-Version and the JDK. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LowbitCli.class.getPackage().getImplementationVersion();
            return new String[] {
                "lowbit " + (version == null ? "(development build)" : version) + ", Java " + Runtime.version()};
        }
    }
}

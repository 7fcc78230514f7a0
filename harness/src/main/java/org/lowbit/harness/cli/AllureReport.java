package org.lowbit.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Allure HTML report, made by the real Allure generator ({@code io.qameta.allure:allure-commandline},
 * unpacked by the harness build into {@code harness/target/allure-commandline/allure-VERSION/}), run as a
 * child process on the JDK that runs lowbit:
 * {@code java -cp 'lib/*:lib/config' io.qameta.allure.CommandLine generate RESULTS -o REPORT --clean}.
 * The generator's usage statistics are switched off ({@code ALLURE_NO_ANALYTICS=1}).
 */
final class AllureReport {
    private AllureReport() {}

    /** The system property that names the generator's home (the directory holding {@code lib/}). */
    static final String HOME_PROPERTY = "lowbit.allure.home";

    private static final long GENERATOR_TIMEOUT_MINUTES = 10;

    /** The generator failed, or is missing: lowbit's own fault (exit 3), never a fake page. */
    static final class GeneratorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GeneratorException(String message) {
            super(message);
        }
    }

    /**
     * The generator's home: {@code -Dlowbit.allure.home}, else the one the build unpacked beside the lowbit jar
     * (or beside {@code harness/target/classes}).
     *
     * @throws GeneratorException naming where it looked
     */
    static Path generatorHome() {
        String property = System.getProperty(HOME_PROPERTY);
        List<Path> looked = new ArrayList<>();
        if (property != null && !property.isBlank()) {
            Path home = Path.of(property);
            if (isGeneratorHome(home)) {
                return home;
            }
            looked.add(home);
        } else {
            Optional<Path> buildDir = harnessBuildDirectory();
            if (buildDir.isPresent()) {
                Path unpacked = buildDir.get().resolve("allure-commandline");
                looked.add(unpacked);
                if (Files.isDirectory(unpacked)) {
                    try (Stream<Path> homes = Files.list(unpacked)) {
                        Optional<Path> home = homes.filter(AllureReport::isGeneratorHome).sorted().reduce((a, b) -> b);
                        if (home.isPresent()) {
                            return home.get();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        throw new GeneratorException("the Allure report generator is missing (looked in "
                + (looked.isEmpty() ? "no place: cannot tell where lowbit runs from" : looked.toString())
                + "); rebuild lowbit (./mvnw -pl harness -am package unpacks it) or set -D" + HOME_PROPERTY + "=DIR");
    }

    private static boolean isGeneratorHome(Path home) {
        Path lib = home.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.anyMatch(p -> p.getFileName().toString().matches("allure-commandline-.*\\.jar"));
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code harness/target}: the directory of the lowbit jar, or the parent of {@code target/classes}. */
    static Optional<Path> harnessBuildDirectory() {
        try {
            var source = AllureReport.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Optional.ofNullable(location.getParent());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes Allure's {@code environment.properties} and {@code executor.json} into the results directory,
     * which the report shows on its overview page.
     */
    static void writeEnvironment(Path results, String target, String commandLine) throws IOException {
        Files.createDirectories(results);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("target", target);
        env.put("JDK", System.getProperty("java.vendor", "?") + " " + System.getProperty("java.runtime.version", "?"));
        env.put("OS", System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?")
                + " " + System.getProperty("os.arch", "?"));
        env.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " hardware threads");
        env.put("lowbit", new LowbitCli.Version().getVersion()[0]);
        StringBuilder properties = new StringBuilder();
        env.forEach((k, v) -> properties.append(escape(k)).append('=').append(escape(v)).append('\n'));
        Files.writeString(results.resolve("environment.properties"), properties, UTF_8);

        ObjectNode executor = new ObjectMapper().createObjectNode();
        executor.put("name", "lowbit");
        executor.put("type", "lowbit");
        executor.put("buildName", commandLine);
        executor.put("reportName", "lowbit conformance: " + target);
        Files.writeString(results.resolve("executor.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(executor) + "\n", UTF_8);
    }

    /**
     * Runs the generator on {@code results} into {@code report} ({@code --clean} replaces it).
     *
     * @return the report's {@code index.html}
     * @throws GeneratorException when the generator is missing, fails, or makes no {@code index.html}
     */
    static Path generate(Path generatorHome, Path results, Path report) throws IOException, InterruptedException {
        return generate(generatorHome, List.of(results), report);
    }

    /** As {@link #generate(Path, Path, Path)}, with the results of several runs (the shards of one) in one report. */
    static Path generate(Path generatorHome, List<Path> results, Path report) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = generatorHome.resolve("lib") + File.separator + "*" + File.pathSeparator
                + generatorHome.resolve("lib").resolve("config");
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "io.qameta.allure.CommandLine", "generate"));
        results.forEach(r -> command.add(r.toString()));
        command.addAll(List.of("-o", report.toString(), "--clean"));
        Path log = Files.createTempFile("lowbit-allure-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            builder.environment().put("APP_HOME", generatorHome.toString());
            builder.environment().put("ALLURE_NO_ANALYTICS", "1");
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            Process process = builder.start();
            if (!process.waitFor(GENERATOR_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new GeneratorException("the Allure generator did not finish in " + GENERATOR_TIMEOUT_MINUTES + " minutes");
            }
            String output = Files.readString(log, UTF_8).strip();
            Path index = report.resolve("index.html");
            if (process.exitValue() != 0 || !Files.isRegularFile(index)) {
                throw new GeneratorException("the Allure generator " + (process.exitValue() != 0
                        ? "failed (exit " + process.exitValue() + ")" : "made no " + index)
                        + ": " + lastLines(output, 5));
            }
            return index;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? "(no output)" : String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo, UTF_8)) {
                Optional<String> model = lines.filter(l -> l.startsWith("model name")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip());
                if (model.isPresent()) {
                    return model.get();
                }
            } catch (IOException | UncheckedIOException e) { // fall through to the architecture
            }
        }
        return System.getProperty("os.arch", "unknown CPU");
    }

    /** A value for a {@code .properties} file ({@link java.util.Properties#load}): backslashes, separators, line breaks. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

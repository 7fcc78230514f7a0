package org.lowbit.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The results of one {@code lowbit bench} run with the machine they were taken on, as a table and as JSON. */
public record BenchReport(String target, String backend, int vectorBits, long inputBytes, List<BenchRunner.Result> results,
                          Gates gates, String gatesSource) {

    /** A gate and the result it judged. */
    public record Verdict(Gates.Gate gate, Optional<BenchRunner.Result> result) {
        public boolean passed() {
            return result.isPresent() && result.get().ratioToCopy() >= gate.minRatioToCopy();
        }
    }

    public List<Verdict> verdicts() {
        List<Verdict> out = new ArrayList<>();
        if (gates == null) {
            return out;
        }
        for (Gates.Gate g : gates.gates()) {
            out.add(new Verdict(g, results.stream()
                    .filter(r -> r.benchCase().name().equals(g.benchmark()) && r.threads() == g.threads()).findFirst()));
        }
        return out;
    }

    public boolean passed() {
        return verdicts().stream().allMatch(Verdict::passed);
    }

    /** CPU model (from /proc/cpuinfo where there is one), logical cores, OS. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    public void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "lowbit bench: target %s, backend %s%s, %s, %d cores, JDK %s (%s)%n", target, backend,
                vectorBits > 0 ? " (" + vectorBits + "-bit species)" : "", cpuModel(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("java.vm.name"));
        out.printf(Locale.ROOT, "input %d MiB per benchmark; bandwidth = bytes read + bytes written, median of %d runs after %d warm-ups;"
                + " one thread timed by its CPU clock (wall ratio beside it), several by the wall clock%n%n",
                inputBytes >> 20, results.isEmpty() ? 0 : results.get(0).repetitions(), results.isEmpty() ? 0 : results.get(0).warmups());
        out.println("| benchmark | species | threads | clock | elements | GB/s | G elem/s | copy GB/s | ratio to copy | wall ratio | scalar GB/s | ratio to scalar | gate |");
        out.println("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (BenchRunner.Result r : results) {
            String gate = verdicts().stream().filter(v -> v.result().isPresent() && v.result().get() == r).findFirst()
                    .map(v -> String.format(Locale.ROOT, "≥ %.2f %s", v.gate().minRatioToCopy(), v.passed() ? "PASS" : "FAIL"))
                    .orElse("");
            double scalarGb = r.bytes() / r.scalarSeconds() / 1e9;
            out.printf(Locale.ROOT, "| %s | %s | %d | %s | %d | %.2f | %.3f | %.2f | %.2f | %.2f | %s | %s | %s |%n", r.benchCase().name(),
                    species(), r.threads(), r.clock(), r.elements(), r.gbPerSecond(), r.elementsPerSecond() / 1e9, r.copyGbPerSecond(),
                    r.ratioToCopy(), r.wallRatioToCopy(),
                    Double.isNaN(scalarGb) ? "—" : String.format(Locale.ROOT, "%.2f", scalarGb),
                    Double.isNaN(r.ratioToScalar()) ? "—" : String.format(Locale.ROOT, "%.1f", r.ratioToScalar()), gate);
        }
        for (Verdict v : verdicts()) {
            if (v.result().isEmpty()) {
                out.printf(Locale.ROOT, "gate %s at %d threads: no such benchmark ran (FAIL)%n", v.gate().benchmark(), v.gate().threads());
            }
        }
    }

    /** The vector width every figure of this run used: {@code 512-bit}, or {@code scalar}. */
    String species() {
        return vectorBits > 0 ? vectorBits + "-bit" : "scalar";
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode machine = root.putObject("machine");
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jdk", Runtime.version().toString());
        machine.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        root.put("target", target);
        root.put("backend", backend);
        root.put("speciesBits", vectorBits);
        root.put("inputBytes", inputBytes);
        root.put("byteAccounting", "bytes read + bytes written, for the kernels and for the copy baseline alike");
        if (gatesSource != null) {
            root.put("gates", gatesSource);
        }
        ArrayNode list = root.putArray("results");
        for (BenchRunner.Result r : results) {
            ObjectNode n = list.addObject();
            n.put("benchmark", r.benchCase().name());
            n.put("operation", r.benchCase().quantize() ? "quantize" : "dequantize");
            n.put("format", r.benchCase().format().id());
            n.put("profile", "ocp-mx-1.0");
            n.put("precision", r.benchCase().precision().id());
            n.put("elementLayout", "unpacked");
            n.put("scaleLayout", "row-major");
            n.put("speciesBits", vectorBits);
            n.put("threads", r.threads());
            n.put("elements", r.elements());
            n.put("bytes", r.bytes());
            n.put("seconds", r.seconds());
            n.put("gbPerSecond", r.gbPerSecond());
            n.put("elementsPerSecond", r.elementsPerSecond());
            n.put("copyBytes", r.copyBytes());
            n.put("copyGbPerSecond", r.copyGbPerSecond());
            n.put("ratioToCopy", r.ratioToCopy());
            n.put("clock", r.clock());
            n.put("wallSeconds", r.wallSeconds());
            n.put("copyWallSeconds", r.copyWallSeconds());
            n.put("wallRatioToCopy", r.wallRatioToCopy());
            if (!Double.isNaN(r.scalarSeconds())) {
                n.put("scalarGbPerSecond", r.bytes() / r.scalarSeconds() / 1e9);
                n.put("ratioToScalar", r.ratioToScalar());
            }
            n.put("warmups", r.warmups());
            n.put("repetitions", r.repetitions());
        }
        ArrayNode verdicts = root.putArray("verdicts");
        for (Verdict v : verdicts()) {
            ObjectNode n = verdicts.addObject();
            n.put("benchmark", v.gate().benchmark());
            n.put("threads", v.gate().threads());
            n.put("minRatioToCopy", v.gate().minRatioToCopy());
            v.result().ifPresent(r -> n.put("ratioToCopy", r.ratioToCopy()));
            n.put("passed", v.passed());
        }
        root.put("passed", passed());
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

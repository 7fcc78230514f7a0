package org.lowbit.harness.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.TestGroup;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorJsonReader;

/**
 * Every committed golden quantize vector of every (format, profile) that cpu-vector claims, through the
 * target: scales and element codes bit for bit, the expected values by dequantizing the expected codes to
 * FP32 (an expected NaN matches any NaN, as vectors/FORMAT.md says), and invalid tests rejected with their
 * error code. A claim without a golden file fails.
 */
class GoldenVectorsTest {

    private static final CpuVectorTarget TARGET = new CpuVectorTarget(CpuBackends.kernels(), 2);

    @AfterAll
    static void close() {
        TARGET.close();
    }

    static Path goldenQuantizeDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path golden = dir.resolve("vectors/golden/quantize");
            if (Files.isDirectory(golden)) {
                return golden;
            }
        }
        throw new IllegalStateException("vectors/golden/quantize not found above " + Path.of("").toAbsolutePath());
    }

    @TestFactory
    Stream<DynamicTest> everyClaimedGoldenQuantizeVector() throws IOException {
        Path dir = goldenQuantizeDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        for (Capability c : CpuVectorTarget.capabilities()) {
            if (c.operation() != Operation.QUANTIZE || !c.format().startsWith("mx")) {
                continue; // NVFP4 (tensor scales g): lowbit conform and CpuFormatsTest
            }
            Path file = dir.resolve("quantize_" + c.format() + "_" + c.profile() + ".json");
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> checkFile(file)));
        }
        assertFalse(tests.isEmpty(), "no claims");
        return tests.stream();
    }

    private static void checkFile(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), "a claimed (format, profile) has no golden file: " + file);
        VectorFile vectors = VectorJsonReader.read(file.getFileName().toString(), Files.readAllBytes(file));
        int checked = 0;
        for (TestGroup g : vectors.testGroups()) {
            QuantizeGroup group = (QuantizeGroup) g;
            for (QuantizeTest t : group.tests()) {
                check(group, t);
                checked++;
            }
        }
        assertTrue(checked > 0, file + " holds no tests");
    }

    private static void check(QuantizeGroup g, QuantizeTest t) throws TargetException {
        String where = g.format().id() + " " + g.profile().id() + " tcId " + t.tcId() + " (" + t.comment() + ")";
        QuantizeRequest request = new QuantizeRequest(g.format(), g.profile(), g.knobs(), g.source(), g.rows(), g.rowLength(),
                HexBytes.parse(t.input()), g.elementLayout(), g.scaleLayout(), g.tensorScale(), 0);
        if (t.expected() instanceof QuantizeExpected.Rejected rejected) {
            TargetException.Rejected e = assertThrows(TargetException.Rejected.class, () -> TARGET.quantize(request), where);
            assertEquals(rejected.error(), e.code(), where);
            return;
        }
        QuantizeExpected.Output expected = (QuantizeExpected.Output) t.expected();
        QuantizeResult actual = TARGET.quantize(request);
        assertEquals(expected.scales(), HexBytes.of(actual.scales()), where + ": scales");
        assertEquals(expected.elements(), HexBytes.of(actual.elements()), where + ": elements");
        byte[] values = TARGET.dequantize(new DequantizeRequest(g.format(), g.profile(), SourceFormat.FP32, g.rows(),
                g.rowLength(), HexBytes.parse(expected.scales()), HexBytes.parse(expected.elements()), ElementLayout.UNPACKED,
                ScaleLayout.ROW_MAJOR, OptionalInt.empty()));
        byte[] want = HexBytes.parse(expected.dequantized());
        for (int i = 0; i < want.length; i += 4) {
            int w = org.lowbit.reference.layout.LittleEndian.getInt(want, i);
            int a = org.lowbit.reference.layout.LittleEndian.getInt(values, i);
            boolean bothNaN = Float.isNaN(Float.intBitsToFloat(w)) && Float.isNaN(Float.intBitsToFloat(a));
            if (w != a && !bothNaN) {
                fail(String.format("%s: value %d expected 0x%08X got 0x%08X", where, i / 4, w, a));
            }
        }
    }
}

package org.lowbit.conformance.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.run.RunReport;
import org.lowbit.conformance.target.Operation;
import org.lowbit.vectors.DecodeTest;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TestGroup;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorJsonReader;

/**
 * The suite tested on itself: each broken target must fail, and its failures must name the cases that the spec
 * says the bug breaks. The expected case ids are found by reasoning from the spec and by the vectors' inputs
 * (the tie 0.25, the subnormal 2^-9, the NaN code), never copied from a run.
 */
class BrokenTargetsTest {

    static RunReport run(String bug, Set<String> formats, Set<String> profiles, Set<Operation> ops) {
        return Runs.run(Runs.options("broken:" + bug, formats, profiles, ops));
    }

    static Set<String> failed(RunReport r) {
        return r.failures().stream().map(CaseResult::caseId).collect(Collectors.toSet());
    }

    static VectorFile file(String path) throws Exception {
        return VectorJsonReader.read(path, Files.readAllBytes(Runs.golden().resolve(path)));
    }

    /** The tcId of the first test in a file (of the groups kept) that the predicate accepts. */
    static int tcId(String path, Predicate<TestGroup> group, Predicate<TestCase> test) throws Exception {
        for (TestGroup g : file(path).testGroups()) {
            if (group.test(g)) {
                for (TestCase t : g.tests()) {
                    if (test.test(t)) {
                        return t.tcId();
                    }
                }
            }
        }
        throw new AssertionError("no such test in " + path);
    }

    static void assertFailsWith(RunReport r, String... caseIds) {
        assertFalse(r.passed(), "the run must fail");
        Set<String> failed = failed(r);
        for (String id : caseIds) {
            assertTrue(failed.contains(id), () -> "expected a failure of " + id + "; failed: "
                    + failed.stream().sorted().limit(20).toList());
        }
    }

    @Test
    void swappedNibbleOrderFailsTheWorkedExample() {
        // FORMAT.md §11: tcId 57 has codes 7, 2, ...; nibble-low-first stores 0x27, the swap stores 0x72
        RunReport r = run("nibble-swap", Set.of("mxfp4"), Set.of("ocp-mx-1.0"), Set.of(Operation.QUANTIZE));
        assertFailsWith(r, "quantize_mxfp4_ocp-mx-1.0.json#57@nibble-low-first/row-major",
                "quantize_mxfp4_ocp-mx-1.0.json#57@nibble-high-first/row-major");
        assertTrue(failed(r).stream().noneMatch(id -> id.contains("@f8f6f4") || id.endsWith("#57")),
                "unpacked and container layouts are not broken");
        CaseResult c = r.failures().stream().filter(f -> f.caseId().endsWith("#57@nibble-low-first/row-major")).findFirst()
                .orElseThrow();
        assertTrue(c.message().contains("0x27") && c.message().contains("0x72"), c.message());
        assertTrue(c.reproduce().contains("--only 'quantize_mxfp4_ocp-mx-1.0.json#57@nibble-low-first/row-major'"), c.reproduce());
    }

    @Test
    void tiesAwayFailTheTieAtAQuarter() throws Exception {
        // 0.25 (f32 0x3e800000) is the midpoint of FP4 0 and 0.5: RNE gives code 0x0, ties-away 0x1 (SPEC.md §3)
        int tie = tcId("encode/encode_fp4_e2m1_ocp.json", g -> ((EncodeGroup) g).source().id().equals("f32"),
                t -> ((EncodeTest) t).input().equals("0000803e"));
        RunReport r = run("ties-away", Set.of("fp4_e2m1", "mxfp4"), Set.of("ocp", "ocp-mx-1.0"), Set.of());
        assertFailsWith(r, "encode_fp4_e2m1_ocp.json#" + tie, "quantize_mxfp4_ocp-mx-1.0.json#57",
                "sweep/encode-bf16/fp4_e2m1/ocp#0x3e80");
    }

    @Test
    void scaleOneBinadeOffFailsAndWritesARegressionVector(@TempDir Path reports) throws Exception {
        // tcId 57: amax 7, FLOOR gives E8M0 0x7f (OCP MX §6.3); one binade off is 0x80
        assertFalse(run("scale-binade", Set.of("mxfp4"), Set.of("ocp-mx-1.0"), Set.of()).passed());
        RunOptions o = Runs.options("broken:scale-binade", Set.of("mxfp4"), Set.of("ocp-mx-1.0"), Set.of());
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                o.vectorsDir(), java.util.Optional.of(reports), o.shard(), o.requestTimeout(), o.seed(),
                Set.of("quantize_mxfp4_ocp-mx-1.0.json#57", "property/agreement/*"), o.waivers(), o.progress()));
        assertFailsWith(r, "quantize_mxfp4_ocp-mx-1.0.json#57");
        CaseResult property = r.failures().stream().filter(f -> f.caseId().startsWith("property/agreement/mxfp4/ocp-mx-1.0/f32#"))
                .findFirst().orElseThrow(() -> new AssertionError("the agreement property must fail"));
        assertTrue(property.message().contains("seed 0x"), property.message());
        String path = property.message().substring(property.message().indexOf("regression vector: ") + 19).trim();
        assertTrue(Files.exists(Path.of(path)), "regression vector " + path);
        VectorFile regression = VectorJsonReader.read(path, Files.readAllBytes(Path.of(path)));
        QuantizeTest t = (QuantizeTest) regression.tests().getFirst();
        assertEquals(32 * 4 * 2, t.input().length(), "shrunk to one block of 32 f32 values");
        assertTrue(property.reproduce().contains("--seed 0x0000000000005eed"), property.reproduce());
        assertTrue(Files.exists(reports.resolve("manifest.json")));
        assertTrue(Files.list(reports.resolve("junit")).findAny().isPresent(), "JUnit XML written");
        assertTrue(Files.list(reports.resolve("allure-results")).anyMatch(p -> p.toString().endsWith("-result.json")),
                "Allure results written");
    }

    @Test
    void nanMappedToZeroFailsTheNanCodes() throws Exception {
        // E4M3 has NaN at S.1111.111 only (OCP MX §5.3): 0x7f and 0xff
        int nan = tcId("decode/decode_fp8_e4m3.json", g -> true, t -> ((DecodeTest) t).code().equals("7f"));
        RunReport r = run("nan-to-zero", Set.of("fp8_e4m3"), Set.of(), Set.of(Operation.DECODE));
        assertFailsWith(r, "decode_fp8_e4m3.json#" + nan, "sweep/decode/fp8_e4m3#0x7f", "sweep/decode/fp8_e4m3#0xff");
        assertEquals(4, r.failures().size(), "two NaN codes, each in the vectors and in the sweep");
    }

    @Test
    void flushedSubnormalsFailTheSmallestSubnormal() throws Exception {
        // 2^-9 is E4M3's smallest subnormal, code 0x01 (SPEC.md §1); f32 0x3b000000, bf16 0x3b00
        int sub = tcId("encode/encode_fp8_e4m3_ocp.json", g -> ((EncodeGroup) g).source().id().equals("f32"),
                t -> ((EncodeTest) t).input().equals("0000003b"));
        RunReport all = run("flush-subnormals", Set.of("fp8_e4m3"), Set.of("ocp"), Set.of(Operation.ENCODE));
        assertFalse(all.passed());
        // the full run fails thousands of cases (more than a report keeps in full): look at these three by id
        RunOptions o = Runs.options("broken:flush-subnormals", Set.of("fp8_e4m3"), Set.of("ocp"), Set.of(Operation.ENCODE));
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                o.vectorsDir(), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), Set.of("encode_fp8_e4m3_ocp.json#" + sub,
                "sweep/encode-bf16/fp8_e4m3/ocp#0x3b00", "sweep/encode-f16/fp8_e4m3/ocp#0x1800"), o.waivers(), o.progress()));
        assertFailsWith(r, "encode_fp8_e4m3_ocp.json#" + sub, "sweep/encode-bf16/fp8_e4m3/ocp#0x3b00",
                "sweep/encode-f16/fp8_e4m3/ocp#0x1800");
    }

    @Test
    void wrongNvfp4ClampFailsTheClampedBlocks() throws Exception {
        // torchao clamps the block scale at 2^-6; a block with amax/6 below it must get scale 0x08 (2^-6) there
        VectorFile f = file("quantize/quantize_nvfp4_nvfp4-torchao.json");
        List<String> clamped = f.tests().stream().filter(t -> t.flags().contains("SCALE_CLAMP_MIN"))
                .filter(t -> ((QuantizeTest) t).expected() instanceof QuantizeExpected.Output o && o.scales().contains("08"))
                .map(t -> "quantize_nvfp4_nvfp4-torchao.json#" + t.tcId()).toList();
        assertFalse(clamped.isEmpty(), "the file has blocks clamped at 2^-6");
        RunReport r = run("nvfp4-clamp", Set.of("nvfp4"), Set.of("nvfp4-torchao"), Set.of(Operation.QUANTIZE));
        assertFalse(r.passed());
        assertTrue(clamped.stream().anyMatch(failed(r)::contains), () -> "expected one of " + clamped + " to fail; failed "
                + failed(r));
    }

    @Test
    void reversedFp6BitOrderFailsTheFp6Layout() throws Exception {
        // the spec's fp6-4in3 is an LSB-first stream: code i in bits 6i..6i+5 of 3 little-endian bytes (SPEC.md §9.1);
        // a test fails iff some container packs differently MSB-first
        VectorFile f = file("quantize/quantize_mxfp6_e3m2_ocp-mx-1.0.json");
        String expected = null;
        for (TestCase t : f.tests()) {
            if (((QuantizeTest) t).expected() instanceof QuantizeExpected.Output o) {
                byte[] codes = HexBytes.parse(o.elements());
                if (codes.length % 4 == 0 && !java.util.Arrays.equals(lsbFirst(codes), msbFirst(codes))) {
                    expected = "quantize_mxfp6_e3m2_ocp-mx-1.0.json#" + t.tcId() + "@fp6-4in3/row-major";
                    break;
                }
            }
        }
        assertTrue(expected != null);
        RunReport r = run("fp6-reversed", Set.of("mxfp6_e3m2"), Set.of("ocp-mx-1.0"), Set.of(Operation.QUANTIZE));
        assertFailsWith(r, expected);
        assertTrue(failed(r).stream().allMatch(id -> id.contains("@fp6-4in3") || id.startsWith("property/")),
                () -> "only the fp6-4in3 layout is broken: " + failed(r));
    }

    static byte[] lsbFirst(byte[] codes) {
        byte[] out = new byte[codes.length / 4 * 3];
        for (int c = 0; c < codes.length / 4; c++) {
            int w = codes[4 * c] | codes[4 * c + 1] << 6 | codes[4 * c + 2] << 12 | codes[4 * c + 3] << 18;
            out[3 * c] = (byte) w;
            out[3 * c + 1] = (byte) (w >>> 8);
            out[3 * c + 2] = (byte) (w >>> 16);
        }
        return out;
    }

    static byte[] msbFirst(byte[] codes) {
        int[] c = new int[codes.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = codes[i];
        }
        return BrokenTargets.msbFirst(c);
    }

    @Test
    void e8m0FfAsInfinityFails() throws Exception {
        // E8M0 0xFF is NaN (OCP MX §5.4), never Inf
        int ff = tcId("decode/decode_e8m0.json", g -> true, t -> ((DecodeTest) t).code().equals("ff"));
        RunReport r = run("e8m0-ff-inf", Set.of("e8m0"), Set.of(), Set.of(Operation.DECODE));
        assertFailsWith(r, "decode_e8m0.json#" + ff, "sweep/decode/e8m0#0xff");
        assertEquals(2, r.failures().size());
        assertTrue(r.failures().getFirst().message().contains("+Inf"), r.failures().getFirst().message());
    }

    @Test
    void crashesAndTimeoutsAreReportedAndTheRunFinishes() throws Exception {
        int five = tcId("decode/decode_fp4_e2m1.json", g -> true, t -> ((DecodeTest) t).code().equals("05"));
        int six = tcId("decode/decode_fp4_e2m1.json", g -> true, t -> ((DecodeTest) t).code().equals("06"));
        RunReport r = run("crash-and-hang", Set.of("fp4_e2m1"), Set.of(), Set.of(Operation.DECODE));
        assertFalse(r.passed());
        var byId = r.failures().stream().collect(Collectors.toMap(CaseResult::caseId, CaseResult::outcome));
        assertEquals(Outcome.CRASH, byId.get("decode_fp4_e2m1.json#" + five));
        assertEquals(Outcome.TIMEOUT, byId.get("decode_fp4_e2m1.json#" + six));
        long passes = r.matrix().cells().values().stream().mapToLong(m -> m.get(Outcome.PASS)).sum();
        assertEquals(14, passes, "the other 14 vectors ran and passed after the crash and the timeout");
    }

    @Test
    void anotherNanPayloadIsAnAcceptableVariant() {
        // decode: an expected NaN matches any NaN (FORMAT.md §5), reported as ACCEPTABLE_VARIANT, not FAIL
        RunReport r = run("nan-payload", Set.of("fp8_e4m3"), Set.of(), Set.of(Operation.DECODE));
        assertTrue(r.passed(), () -> "failures: " + failed(r));
        long variants = r.matrix().cells().values().stream().mapToLong(m -> m.get(Outcome.ACCEPTABLE_VARIANT)).sum();
        assertEquals(4, variants, "0x7f and 0xff, each in the vectors and in the sweep");
    }

    @Test
    void aShortAnswerFails() {
        RunReport r = run("short-answer", Set.of("fp4_e2m1"), Set.of(), Set.of(Operation.DECODE));
        assertFalse(r.passed());
        assertEquals(32, r.failures().size(), "every vector and every sweep input");
        assertTrue(r.failures().stream().allMatch(f -> f.outcome() == Outcome.FAIL && f.message().contains("malformed")),
                () -> r.failures().getFirst().message());
    }

    @Test
    void aClaimNoCaseExercisesFails(@TempDir Path corpus) throws Exception {
        // a corpus with the decode files only: the f32 scaled-quantize claim has no vector and no other test
        var all = org.lowbit.vectors.VectorSets.read(Runs.golden());
        java.util.Map<String, VectorFile> decode = new java.util.TreeMap<>();
        all.forEach((p, v) -> {
            if (p.startsWith("decode/")) {
                decode.put(p, v);
            }
        });
        org.lowbit.vectors.VectorSets.write(corpus, org.lowbit.vectors.Level.ONE, decode);
        RunOptions o = Runs.options("broken:scaled-only", Set.of(), Set.of(), Set.of());
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(), corpus,
                o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), o.only(), o.waivers(), o.progress()));
        assertFailsWith(r, "claim/scaled-quantize/int8_per_tensor/vllm/source/f32",
                "claim/scaled-quantize/int8_per_tensor/vllm/element/layout/unpacked");
        assertTrue(r.failures().getFirst().message().contains("claimed but not run"));
    }

    @Test
    void aMissingCorpusFails(@TempDir Path empty) {
        RunOptions o = Runs.options("reference", Set.of("fp4_e2m1"), Set.of(), Set.of(Operation.DECODE));
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                empty.resolve("nowhere"), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), o.only(), o.waivers(),
                o.progress()));
        assertFailsWith(r, "corpus/1");
        assertTrue(r.failures().getFirst().message().contains("missing"), r.failures().getFirst().message());
    }

    @Test
    void claimsTheReferenceDoesNotDefineFail() {
        RunReport r = run("unknown-claims", Set.of(), Set.of(), Set.of());
        assertFailsWith(r, "claim/encode/fp5_e9m9/ocp", "claim/quantize/mxfp4/no-such-profile");
    }

    @Test
    void waiversWaiveUntilTheyExpire(@TempDir Path dir) throws IOException {
        Path waivers = dir.resolve("waivers.json");
        Files.writeString(waivers, """
                [{"case": "decode_e8m0.json#*", "reason": "known: 0xFF decodes as Inf", "expires": "2020-01-01"},
                 {"case": "sweep/decode/e8m0#*", "reason": "known: 0xFF decodes as Inf", "expires": "2999-12-31"}]
                """);
        RunOptions o = Runs.options("broken:e8m0-ff-inf", Set.of("e8m0"), Set.of(), Set.of(Operation.DECODE));
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                o.vectorsDir(), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), o.only(),
                java.util.Optional.of(waivers), o.progress()));
        assertFailsWith(r, "waiver/decode_e8m0.json#*");
        assertTrue(r.failures().stream().anyMatch(f -> f.caseId().startsWith("decode_e8m0.json#")
                                                       && f.message().contains("expired on 2020-01-01")));
        long waived = r.matrix().cells().values().stream().mapToLong(m -> m.get(Outcome.WAIVED)).sum();
        assertEquals(1, waived, "the sweep's 0xFF case is waived");
    }

    @Test
    void shardsSplitTheCasesExactly() {
        long whole = cases(Runs.options("reference", Set.of("fp6_e2m3"), Set.of("ocp"), Set.of(Operation.ENCODE)));
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            RunOptions o = Runs.options("reference", Set.of("fp6_e2m3"), Set.of("ocp"), Set.of(Operation.ENCODE));
            sum += cases(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(), o.vectorsDir(),
                    o.reportDir(), new org.lowbit.conformance.run.Shard(i, 3), o.requestTimeout(), o.seed(), o.only(),
                    o.waivers(), o.progress()));
        }
        assertEquals(whole, sum);
    }

    static long cases(RunOptions o) {
        RunReport r = Runs.run(o);
        assertTrue(r.passed());
        return r.matrix().cells().values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).sum();
    }

    @Test
    void onlyKeepsOneCaseAndUnknownIdsAreRejected() {
        RunOptions o = Runs.options("reference", Set.of(), Set.of(), Set.of());
        RunReport r = Runs.run(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                o.vectorsDir(), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(),
                Set.of("quantize_mxfp4_ocp-mx-1.0.json#57"), o.waivers(), o.progress()));
        assertEquals(1, cases(new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), o.level(),
                o.vectorsDir(), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(),
                Set.of("quantize_mxfp4_ocp-mx-1.0.json#57"), o.waivers(), o.progress())));
        assertTrue(r.passed());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Runs.run(Runs.options("reference", Set.of("fp5"), Set.of(), Set.of())));
        assertTrue(e.getMessage().contains("unknown format 'fp5'") && e.getMessage().contains("fp8_e4m3"), e.getMessage());
        var p = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Runs.run(Runs.options("reference", Set.of(), Set.of("ocpx"), Set.of())));
        assertTrue(p.getMessage().contains("unknown profile 'ocpx'"), p.getMessage());
    }


    static RunOptions exhaustive(String target, String format, String profile, Set<String> only) {
        RunOptions o = Runs.options(target, Set.of(format), Set.of(profile), Set.of(Operation.ENCODE));
        return new RunOptions(o.targetSpec(), o.formats(), o.profiles(), o.operations(), org.lowbit.vectors.Level.EXHAUSTIVE,
                o.vectorsDir(), o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), only, o.waivers(), o.progress());
    }

    static long count(RunReport r, Outcome outcome) {
        return r.matrix().cells().values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
    }

    @Test
    void exhaustiveFloat32SliceFindsTheOneTieOfItsBinades() {
        // slice 0x3e holds f32 [2^-3, 2^-1): of FP4's midpoints (SPEC.md §3) only 0.25 = 0x3e800000 lies there,
        // so ties-away breaks exactly that input of the slice's 2^24
        RunReport r = Runs.run(exhaustive("broken:ties-away", "fp4_e2m1", "ocp",
                Set.of("sweep/encode-f32/fp4_e2m1/ocp/slice-0x3e")));
        assertFailsWith(r, "sweep/encode-f32/fp4_e2m1/ocp#0x3e800000");
        assertEquals(1, count(r, Outcome.FAIL));
        assertEquals((1 << 24) - 1, count(r, Outcome.PASS));
        CaseResult c = r.failures().getFirst();
        assertTrue(c.reproduce().contains("--only 'sweep/encode-f32/fp4_e2m1/ocp#0x3e800000'"), c.reproduce());
        // the reproduce line's id runs that input alone
        RunReport one = Runs.run(exhaustive("reference", "fp4_e2m1", "ocp", Set.of("sweep/encode-f32/fp4_e2m1/ocp#0x3e800000")));
        assertTrue(one.passed());
        assertEquals(1, count(one, Outcome.PASS));
    }

    @Test
    void exhaustiveFloat32SliceCountsFailuresBeyondThoseItLists() {
        // slice 0x3c is f32 [2^-7, 2^-5). E4M3's subnormals are k·2^-9, k = 1..7; inputs below the midpoint
        // 7.5·2^-9 = 0x3c700000 round to a subnormal (the tie itself goes to 2^-6, even), so flushing subnormal
        // results breaks the 0x700000 inputs 0x3c000000..0x3c6fffff: 16 listed, the rest counted
        RunReport r = Runs.run(exhaustive("broken:flush-subnormals", "fp8_e4m3", "ocp",
                Set.of("sweep/encode-f32/fp8_e4m3/ocp/slice-0x3c")));
        assertFailsWith(r, "sweep/encode-f32/fp8_e4m3/ocp#0x3c000000", "sweep/encode-f32/fp8_e4m3/ocp#0x3c00000f");
        assertEquals(0x700000, count(r, Outcome.FAIL));
        assertEquals((1 << 24) - 0x700000, count(r, Outcome.PASS));
        assertEquals(Sweeps.LISTED_PER_SLICE, failed(r).stream().filter(id -> id.startsWith("sweep/encode-f32/")).count());
    }

    static RunOptions exhaustiveQuantize(String target, String format, String profile, Set<String> only) {
        RunOptions o = exhaustive(target, format, profile, only);
        return new RunOptions(o.targetSpec(), o.formats(), o.profiles(), Set.of(Operation.QUANTIZE), o.level(), o.vectorsDir(),
                o.reportDir(), o.shard(), o.requestTimeout(), o.seed(), only, o.waivers(), o.progress());
    }

    @Test
    void exhaustiveQuantizeFindsTheOneBlockThatHoldsABrokenInput() {
        // slice 0x3f holds f32 [2^-1, 2): 1.0 = 0x3f800000 is its pattern 0x800000 = 31 * 270600 + 8, so it sits in
        // block 270600, whose first swept pattern is 0x3f000000 + 31 * 270600 = 0x3f7ffff8 (BlockSweeps' layout)
        RunReport r = Runs.run(exhaustiveQuantize("broken:one-input", "mxfp4", "ocp-mx-1.0",
                Set.of("sweep/quantize-f32/mxfp4/ocp-mx-1.0/slice-0x3f")));
        assertFailsWith(r, "sweep/quantize-f32/mxfp4/ocp-mx-1.0#0x3f7ffff8");
        assertEquals(1, count(r, Outcome.FAIL));
        assertEquals(BlockSweeps.BLOCKS_PER_SLICE - 1, count(r, Outcome.PASS));
        CaseResult c = r.failures().getFirst();
        assertTrue(c.reproduce().contains("--only 'sweep/quantize-f32/mxfp4/ocp-mx-1.0#0x3f7ffff8'"), c.reproduce());
        // that id runs the block alone: it fails on the broken target and passes on the reference
        RunReport again = Runs.run(exhaustiveQuantize("broken:one-input", "mxfp4", "ocp-mx-1.0",
                Set.of("sweep/quantize-f32/mxfp4/ocp-mx-1.0#0x3f7ffff8")));
        assertEquals(1, count(again, Outcome.FAIL));
        assertEquals(0, count(again, Outcome.PASS));
        RunReport one = Runs.run(exhaustiveQuantize("reference", "mxfp4", "ocp-mx-1.0",
                Set.of("sweep/quantize-f32/mxfp4/ocp-mx-1.0#0x3f7ffff8")));
        assertTrue(one.passed());
        assertEquals(1, count(one, Outcome.PASS));
    }

    @Test
    void exhaustiveQuantizeCountsEveryBlockOfABrokenScaleRule() {
        // every scale off by one binade: all 541,201 blocks of the slice fail, 16 listed and the rest counted
        RunReport r = Runs.run(exhaustiveQuantize("broken:scale-binade", "mxfp4", "ocp-mx-1.0",
                Set.of("sweep/quantize-f32/mxfp4/ocp-mx-1.0/slice-0x41")));
        assertEquals(BlockSweeps.BLOCKS_PER_SLICE, count(r, Outcome.FAIL));
        assertEquals(0, count(r, Outcome.PASS));
        assertEquals(Sweeps.LISTED_PER_SLICE, failed(r).stream().filter(id -> id.startsWith("sweep/quantize-f32/")).count());
    }
}

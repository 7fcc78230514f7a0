package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.Targets;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Targets that crash, hang, or write garbage, short frames or wrong lengths (misbehave.py) are reported as
 * CRASH ({@link TargetException.Crashed}), TIMEOUT ({@link TargetException.TimedOut}) or FAIL
 * ({@link TargetException.Malformed}) with a message that says what happened; the next request starts a
 * fresh child and is answered correctly; no child process and no reader thread is left behind.
 */
class ProcessTargetFailureTest {

    /** Short, but room for python3 to start on a loaded machine (the handshake counts as a request). */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final ReferenceTarget reference = new ReferenceTarget();

    @AfterEach
    void nothingLeftBehind() throws InterruptedException {
        // The JDK reaps an exited child on its own thread; give it a moment before looking.
        for (int i = 0; i < 50 && !(ExampleTargets.liveChildren().isEmpty() && ExampleTargets.processThreads().isEmpty()); i++) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), ExampleTargets.liveChildren().stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(),
                "child processes left behind");
        assertEquals(List.of(), ExampleTargets.processThreads(), "threads left behind");
    }

    static Stream<Arguments> misbehaviours() {
        return Stream.of(
                Arguments.of("segfault", TargetException.Crashed.class, "killed by signal 11 (SIGSEGV)"),
                Arguments.of("exit", TargetException.Crashed.class, "exited with status 3"),
                Arguments.of("sleep", TargetException.TimedOut.class, "no answer to request 2 (quantize) within 2 s; killed it"),
                Arguments.of("half-frame", TargetException.Malformed.class, "short frame"),
                Arguments.of("garbage", TargetException.Malformed.class, "bad magic"),
                Arguments.of("bad-json", TargetException.Malformed.class, "the header is not JSON"),
                Arguments.of("lying-prefix", TargetException.Malformed.class, "wrong payload length: the segments"),
                Arguments.of("short-segment", TargetException.Malformed.class, "wrong payload length: segment 'elements' has 223 bytes, expected 224"),
                Arguments.of("wrong-id", TargetException.Malformed.class, "the answer carries id 102, expected 2"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("misbehaviours")
    @DisplayName("a misbehaving request is reported with its outcome, then the child restarts and the next request is answered")
    void misbehaviourIsReportedAndTheRunGoesOn(String mode, Class<? extends TargetException> outcome, String says) throws Exception {
        try (ProcessTarget target = ExampleTargets.misbehaving(mode, "poison", TIMEOUT)) {
            assertAgreesWithReference(target, request(1, 1));
            TargetException e = assertThrows(TargetException.class, () -> target.quantize(request(7, 2)));
            assertInstanceOf(outcome, e, e.toString());
            assertTrue(e.getMessage().contains(says), "message should say '" + says + "': " + e.getMessage());
            assertTrue(e.getMessage().startsWith(target.name()), "message names the target: " + e.getMessage());
            assertTrue(target.childPid().isEmpty(), "the misbehaving child is gone");
            assertEquals(List.of(), ExampleTargets.liveChildren(), "killed at once, not at close()");
            assertAgreesWithReference(target, request(2, 3));
            assertEquals(2, target.starts(), "one restart");
        }
    }

    @Test
    @DisplayName("a crash shows the tail of the child's stderr")
    void crashShowsStderr() throws Exception {
        try (ProcessTarget target = ExampleTargets.misbehaving("exit", "poison", TIMEOUT)) {
            TargetException e = assertThrows(TargetException.Crashed.class, () -> target.quantize(request(7, 2)));
            assertTrue(e.getMessage().contains("| misbehave: giving up on request 1"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a target that crashes only on some requests: every other request is answered, each crash restarts it")
    void crashesOnlySometimes() throws Exception {
        try (ProcessTarget target = ExampleTargets.misbehaving("segfault", "poison", TIMEOUT)) {
            for (int i = 0; i < 4; i++) {
                assertAgreesWithReference(target, request(1 + i % 3, 10 + i));
                assertThrows(TargetException.Crashed.class, () -> target.quantize(request(7, 20)));
            }
            assertAgreesWithReference(target, request(3, 30));
            assertEquals(5, target.starts());
        }
    }

    @Test
    @DisplayName("a target that segfaults during the handshake: manifest() reports CRASH")
    void crashDuringHandshake() {
        try (ProcessTarget target = ExampleTargets.misbehaving("segfault", "hello", TIMEOUT)) {
            TargetException e = assertThrows(TargetException.Crashed.class, target::manifest);
            assertTrue(e.getMessage().contains("during the handshake (hello)") && e.getMessage().contains("SIGSEGV"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a program that never reads its stdin (sleep) times out in the handshake and is killed")
    void programThatIgnoresTheProtocol() throws Exception {
        try (var target = Targets.open("process:sleep 600", Duration.ofMillis(700))) {
            TargetException e = assertThrows(TargetException.TimedOut.class, target::manifest);
            assertTrue(e.getMessage().contains("no answer to the handshake (hello) within 700 ms"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a program that exits at once (true) is a CRASH with its exit status; a missing program says so")
    void programThatExitsAtOnce() throws Exception {
        try (var target = Targets.open("process:true", TIMEOUT)) {
            TargetException e = assertThrows(TargetException.Crashed.class, target::manifest);
            // It may exit before or after the harness writes hello: either its stdin or its stdout closes first.
            assertTrue(e.getMessage().contains("during the handshake (hello) and exited with status 0"), e.getMessage());
        }
        try (var target = Targets.open("process:./no/such/program --flag", TIMEOUT)) {
            TargetException e = assertThrows(TargetException.Crashed.class, target::manifest);
            assertTrue(e.getMessage().contains("could not start ./no/such/program"), e.getMessage());
        }
    }

    @Test
    @DisplayName("close() sends bye: a well-behaved child exits by itself within the grace period")
    void closeSendsBye() throws Exception {
        ProcessTarget target = ExampleTargets.c(TIMEOUT);
        target.manifest();
        ProcessHandle child = ProcessHandle.of(target.childPid().orElseThrow()).orElseThrow();
        long start = System.nanoTime();
        target.close();
        assertTrue(child.onExit().isDone() || !child.isAlive(), "the child exited");
        assertTrue(System.nanoTime() - start < ProcessTarget.DEFAULT_EXIT_GRACE.toNanos(), "it exited on bye, before the grace period ran out");
        target.close();  // closing twice is harmless
    }

    // ---------------------------------------------------------------------------------------------

    /** An mxfp4 ocp-mx-1.0 quantize request of {@code rows} rows of 32 random f32 values (rows == 7 is the poison). */
    private static QuantizeRequest request(int rows, long seed) {
        byte[] input = RandomInputs.tensor(new SplitMix64(seed), SourceFormat.FP32, rows * 32);
        return ExampleTargetsTest.quantizeRequest(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0.knobs(), SourceFormat.FP32, rows, 32,
                input, ElementLayout.UNPACKED);
    }

    private void assertAgreesWithReference(ProcessTarget target, QuantizeRequest q) throws TargetException {
        assertArrayEquals(ExampleTargetsTest.concat(reference.quantize(q)), ExampleTargetsTest.concat(target.quantize(q)));
    }
}

package org.lowbit.harness.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.vectors.TensorScaleMode;

/**
 * A target behind the process protocol ({@code harness/PROTOCOL.md}): any executable that reads frames
 * on stdin and answers on stdout. The child starts on the first call and handshakes; every request must
 * be answered within the request timeout. A child that dies is reported as {@link TargetException.Crashed},
 * one that is late as {@link TargetException.TimedOut} (it is killed), one whose answer breaks the
 * protocol as {@link TargetException.Malformed} (it is killed). After any of these the next call starts a
 * fresh child, so a run goes on. {@link #close()} sends {@code bye} and kills the child after a grace period.
 */
public final class ProcessTarget implements Target {

    /** How long {@link #close()} waits for the child to exit after {@code bye}. */
    public static final Duration DEFAULT_EXIT_GRACE = Duration.ofSeconds(2);

    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final String name;
    private final List<String> command;
    private final Duration requestTimeout;
    private final Duration exitGrace;

    private ChildProcess child;
    private CapabilityManifest manifest;
    private String manifestJson;
    private long nextId;
    private int starts;
    private ScheduledExecutorService watchdog;

    /**
     * @param command        the executable and its arguments
     * @param requestTimeout how long one request (and the handshake) may take
     * @param exitGrace      how long {@link #close()} waits after {@code bye} before killing
     */
    public ProcessTarget(List<String> command, Duration requestTimeout, Duration exitGrace) {
        this("process:" + String.join(" ", command), command, requestTimeout, exitGrace);
    }

    /**
     * @param name           the name in reports, e.g. {@code process:./my-kernel --fast} as the user wrote it
     * @param command        the executable and its arguments
     * @param requestTimeout how long one request (and the handshake) may take
     * @param exitGrace      how long {@link #close()} waits after {@code bye} before killing
     */
    public ProcessTarget(String name, List<String> command, Duration requestTimeout, Duration exitGrace) {
        this.command = List.copyOf(command);
        if (this.command.isEmpty()) {
            throw new IllegalArgumentException("process target needs a command");
        }
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.exitGrace = Objects.requireNonNull(exitGrace, "exitGrace");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() { return name; }

    /** The pid of the running child, if one runs. */
    public synchronized OptionalLong childPid() {
        return child == null ? OptionalLong.empty() : OptionalLong.of(child.pid());
    }

    /** How many times a child was started (the first start and every restart). */
    public synchronized int starts() { return starts; }

    @Override
    public synchronized CapabilityManifest manifest() throws TargetException {
        ensureStarted();
        return manifest;
    }

    // ---------------------------------------------------------------------------------------------
    // Operations (PROTOCOL.md §4)

    @Override
    public byte[] encode(EncodeRequest r) throws TargetException {
        ObjectNode h = header(Operation.ENCODE);
        h.put("format", r.format().id()).put("profile", r.profile().id()).put("source", r.source().id())
                .put("count", r.count());
        h.set("knobs", ProtocolJson.elementKnobs(r.knobs()));
        Map<String, byte[]> segments = new LinkedHashMap<>();
        segments.put("input", r.input());
        segments.put("randomBits", r.randomBits());
        Frame reply = exchange(h, segments, Map.of("codes", (long) r.count()));
        return reply.segments().get("codes");
    }

    @Override
    public byte[] decode(DecodeRequest r) throws TargetException {
        ObjectNode h = header(Operation.DECODE);
        h.put("format", r.format().id()).put("count", r.codes().length);
        Frame reply = exchange(h, Map.of("codes", r.codes()), Map.of("values", 4L * r.codes().length));
        return reply.segments().get("values");
    }

    @Override
    public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
        ObjectNode h = header(Operation.QUANTIZE);
        h.put("format", r.format().id()).put("profile", r.profile().id()).put("source", r.source().id())
                .put("rows", r.rows()).put("rowLength", r.rowLength()).put("blockSize", r.format().blockSize());
        h.set("knobs", ProtocolJson.blockKnobs(r.knobs()));
        h.set("elementKnobs", ProtocolJson.elementKnobs(r.knobs().elementKnobs(r.format())));
        h.put("elementLayout", r.elementLayout().id()).put("scaleLayout", r.scaleLayout().id())
                .put("tensorScale", r.tensorScaleMode().id());
        Map<String, byte[]> segments = new LinkedHashMap<>();
        segments.put("input", r.input());
        if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
            segments.put("tensorScale", le32(r.tensorScaleBits()));
        }
        int blocksPerRow = Math.ceilDiv(r.rowLength(), r.format().blockSize());
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("scales", ProtocolJson.scaleBytes(r.scaleLayout(), r.rows(), blocksPerRow));
        expected.put("elements", ProtocolJson.elementBytes(r.elementLayout(), r.count()));
        if (r.tensorScaleMode() == TensorScaleMode.COMPUTED) {
            expected.put("tensorScale", 4L);
        }
        Frame reply = exchange(h, segments, expected);
        OptionalInt g = r.tensorScaleMode() == TensorScaleMode.COMPUTED
                ? OptionalInt.of(ByteBuffer.wrap(reply.segments().get("tensorScale")).order(ByteOrder.LITTLE_ENDIAN).getInt())
                : OptionalInt.empty();
        return new QuantizeResult(reply.segments().get("scales"), reply.segments().get("elements"), g);
    }

    @Override
    public byte[] dequantize(DequantizeRequest r) throws TargetException {
        ObjectNode h = header(Operation.DEQUANTIZE);
        h.put("format", r.format().id()).put("profile", r.profile().id()).put("output", r.output().id())
                .put("rows", r.rows()).put("rowLength", r.rowLength()).put("blockSize", r.format().blockSize())
                .put("elementLayout", r.elementLayout().id()).put("scaleLayout", r.scaleLayout().id())
                .put("tensorScale", r.tensorScaleBits().isPresent() ? TensorScaleMode.GIVEN.id() : TensorScaleMode.NONE.id());
        Map<String, byte[]> segments = new LinkedHashMap<>();
        segments.put("scales", r.scales());
        segments.put("elements", r.elements());
        if (r.tensorScaleBits().isPresent()) {
            segments.put("tensorScale", le32(r.tensorScaleBits().getAsInt()));
        }
        Frame reply = exchange(h, segments, Map.of("values", (long) r.count() * r.output().bytes()));
        return reply.segments().get("values");
    }

    @Override
    public ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest r) throws TargetException {
        ObjectNode h = header(Operation.SCALED_QUANTIZE);
        h.put("format", r.format().id()).put("profile", r.profile().id()).put("source", r.source().id())
                .put("rows", r.rows()).put("cols", r.cols());
        ProtocolJson.ScaledShape shape = ProtocolJson.scaledShape(r.format(), r.knobs(), r.rows(), r.cols());
        shape.describe(h, r.knobs());
        h.put("elementLayout", r.elementLayout().id());
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("codes", ProtocolJson.elementBytes(r.elementLayout(), (long) r.rows() * r.cols()));
        expected.put("scales", shape.scaleBytes());
        expected.put("zeros", shape.zeroBytes());
        Frame reply = exchange(h, Map.of("input", r.input()), expected);
        return new ScaledQuantizeResult(reply.segments().get("codes"), reply.segments().get("scales"),
                reply.segments().get("zeros"));
    }

    @Override
    public byte[] scaledDequantize(ScaledDequantizeRequest r) throws TargetException {
        ObjectNode h = header(Operation.SCALED_DEQUANTIZE);
        h.put("format", r.format().id()).put("profile", r.profile().id()).put("output", r.output().id())
                .put("rows", r.rows()).put("cols", r.cols());
        ProtocolJson.ScaledShape shape = ProtocolJson.scaledShape(r.format(), r.knobs(), r.rows(), r.cols());
        shape.describe(h, r.knobs());
        h.put("elementLayout", r.elementLayout().id());
        Map<String, byte[]> segments = new LinkedHashMap<>();
        segments.put("codes", r.codes());
        segments.put("scales", r.scales());
        segments.put("zeros", r.zeros());
        Frame reply = exchange(h, segments, Map.of("values", (long) r.rows() * r.cols() * r.output().bytes()));
        return reply.segments().get("values");
    }

    // ---------------------------------------------------------------------------------------------
    // The exchange

    private static ObjectNode header(Operation op) {
        ObjectNode h = FrameCodec.JSON.createObjectNode();
        h.put("type", op.id());
        return h;
    }

    /** Sends a request and returns the {@code ok} answer whose segments have exactly the expected lengths. */
    private synchronized Frame exchange(ObjectNode request, Map<String, byte[]> segments, Map<String, Long> expected)
            throws TargetException {
        ensureStarted();
        long id = nextId++;
        ObjectNode h = FrameCodec.JSON.createObjectNode();
        h.put("type", request.get("type").asText()).put("id", id);
        request.properties().forEach(e -> {
            if (!e.getKey().equals("type")) {
                h.set(e.getKey(), e.getValue());
            }
        });
        String what = "request " + id + " (" + request.get("type").asText() + ")";
        Frame reply = roundTrip(new Frame(h, segments), what);
        checkId(reply, id, what);
        switch (reply.type()) {
            case "ok" -> {
                checkSegments(reply, expected, what);
                return reply;
            }
            case "error" -> throw errorAnswer(reply, what);
            default -> throw malformed(what, "the answer's type is '" + reply.type() + "', expected 'ok' or 'error'");
        }
    }

    /** Writes a frame and waits for the answer, turning every way it can fail into the exception of PROTOCOL.md §6. */
    private Frame roundTrip(Frame request, String what) throws TargetException {
        ChildProcess c = child;
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> killer = watchdog().schedule(() -> {
            late.set(true);
            c.kill();
        }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        try {
            try {
                c.send(request);
            } catch (IOException e) {
                if (late.get()) {
                    throw timedOut(what);
                }
                throw crashed(what, "stopped reading its stdin (" + e.getMessage() + ")");
            }
            ChildProcess.Event event;
            try {
                event = c.next(Duration.ofNanos(deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                discardChild();
                throw new TargetException.Crashed(name + ": interrupted while waiting for " + what, e);
            }
            if (event == null || late.get()) {
                throw timedOut(what);
            }
            return switch (event) {
                case ChildProcess.Event.Received r -> r.frame();
                case ChildProcess.Event.Bad b -> throw malformed(what, b.problem());
                case ChildProcess.Event.EndOfStream e -> throw crashed(what, "closed its stdout");
            };
        } finally {
            killer.cancel(false);
        }
    }

    private void ensureStarted() throws TargetException {
        if (child != null && child.isAlive()) {
            return;
        }
        if (child != null) {
            discardChild();
        }
        try {
            child = ChildProcess.start(command);
        } catch (IOException e) {
            throw new TargetException.Crashed(name + ": could not start " + command.getFirst() + ": " + e.getMessage(), e);
        }
        starts++;
        nextId = 1;
        ObjectNode hello = FrameCodec.JSON.createObjectNode();
        hello.put("type", "hello").put("id", 0).put("protocol", FrameCodec.VERSION).put("harness", harnessVersion());
        String what = "the handshake (hello)";
        Frame reply = roundTrip(new Frame(hello, Map.of()), what);
        checkId(reply, 0, what);
        if (reply.type().equals("error")) {
            TargetException e = errorAnswer(reply, what);
            if (e instanceof TargetException.Rejected) {
                e = malformed(what, "the target refused the handshake: " + e.getMessage());
            }
            discardChild();
            throw e;
        }
        if (!reply.type().equals("manifest")) {
            throw malformed(what, "the answer's type is '" + reply.type() + "', expected 'manifest'");
        }
        if (!reply.segments().isEmpty()) {
            throw malformed(what, "the manifest answer must have no payload, it has segments " + reply.segments().keySet());
        }
        if (reply.header().path("protocol").asInt(-1) != FrameCodec.VERSION) {
            throw malformed(what, "the target speaks protocol " + reply.header().path("protocol")
                    + ", this harness speaks " + FrameCodec.VERSION);
        }
        JsonNode m = reply.header().get("manifest");
        if (m == null || !m.isObject()) {
            throw malformed(what, "the answer has no 'manifest' object");
        }
        CapabilityManifest parsed;
        try {
            parsed = CapabilityManifest.fromJson(m.toString());
        } catch (IllegalArgumentException e) {
            throw malformed(what, e.getMessage());
        }
        String json = parsed.toJson();
        if (manifestJson != null && !manifestJson.equals(json)) {
            throw malformed(what, "the restarted target sent a different capability manifest");
        }
        manifest = parsed;
        manifestJson = json;
    }

    private void checkId(Frame reply, long id, String what) throws TargetException {
        long got = reply.header().get("id").asLong();
        if (got == -1 && reply.type().equals("error")) {
            // id -1: the target could not read the request's frame at all (PROTOCOL.md §4.8)
            throw malformed(what, "the target could not read the request: " + reply.header().path("code").asText("")
                    + " " + reply.header().path("message").asText(""));
        }
        if (got != id) {
            throw malformed(what, "the answer carries id " + got + ", expected " + id);
        }
    }

    private void checkSegments(Frame reply, Map<String, Long> expected, String what) throws TargetException {
        if (!reply.segments().keySet().equals(expected.keySet())) {
            throw malformed(what, "the answer's segments are " + reply.segments().keySet() + ", expected " + expected.keySet());
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long got = reply.segments().get(e.getKey()).length;
            if (got != e.getValue()) {
                throw malformed(what, String.format(Locale.ROOT, "wrong payload length: segment '%s' has %d bytes, expected %d",
                        e.getKey(), got, e.getValue()));
            }
        }
    }

    private TargetException errorAnswer(Frame reply, String what) {
        JsonNode code = reply.header().get("code");
        String message = reply.header().path("message").asText("");
        if (code == null || !code.isTextual() || !ERROR_CODE.matcher(code.asText()).matches()) {
            return malformed(what, "an error answer needs a 'code' of capitals, digits and _, got " + code);
        }
        return switch (code.asText()) {
            case "NOT_SUPPORTED" -> new TargetException.NotSupported(name + ": " + message);
            case "PROTOCOL" -> malformed(what, "the target could not read the request: " + message);
            default -> new TargetException.Rejected(code.asText(), message);
        };
    }

    private TargetException.Malformed malformed(String what, String problem) {
        String status = child == null ? "" : describeAndDiscard();
        return new TargetException.Malformed(name + ": malformed answer to " + what + ": " + problem + status);
    }

    private TargetException.TimedOut timedOut(String what) {
        String pid = child == null ? "" : " (pid " + child.pid() + ")";
        String tail = child == null ? "" : "; " + child.stderrTail();
        discardChild();
        return new TargetException.TimedOut(String.format(Locale.ROOT, "%s%s: no answer to %s within %s; killed it%s",
                name, pid, what, human(requestTimeout), tail));
    }

    private TargetException.Crashed crashed(String what, String event) {
        ChildProcess c = child;
        try {
            c.awaitExit(exitGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String message = String.format(Locale.ROOT, "%s (pid %d) %s during %s and %s; %s", name, c.pid(), event, what,
                c.exitDescription(), c.stderrTail());
        discardChild();
        return new TargetException.Crashed(message, null);
    }

    /** "; the target (pid N) exited with status S; last lines of its stderr: …", then kills the child. */
    private String describeAndDiscard() {
        ChildProcess c = child;
        try {
            c.awaitExit(Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String state = c.isAlive() ? "was still running; killed it" : c.exitDescription();
        String s = String.format(Locale.ROOT, "; the target (pid %d) %s; %s", c.pid(), state, c.stderrTail());
        discardChild();
        return s;
    }

    private void discardChild() {
        if (child != null) {
            child.kill();
            child = null;
        }
    }

    private synchronized ScheduledExecutorService watchdog() {
        if (watchdog == null) {
            ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1,
                    r -> Thread.ofPlatform().daemon().name("lowbit-process-watchdog").unstarted(r));
            w.setRemoveOnCancelPolicy(true);
            watchdog = w;
        }
        return watchdog;
    }

    /** Sends {@code bye}, closes stdin, waits the grace period, then kills the child; stops the watchdog thread. */
    @Override
    public synchronized void close() {
        if (child != null) {
            try {
                if (child.isAlive()) {
                    ObjectNode bye = FrameCodec.JSON.createObjectNode();
                    bye.put("type", "bye").put("id", nextId++);
                    child.send(new Frame(bye, Map.of()));
                }
            } catch (IOException ignored) {
                // it is gone already; the kill below reaps it
            }
            child.closeStdin();
            try {
                child.awaitExit(exitGrace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            discardChild();
        }
        if (watchdog != null) {
            watchdog.shutdownNow();
            try {
                watchdog.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            watchdog = null;
        }
    }

    private static byte[] le32(int bits) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array();
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String harnessVersion() {
        String v = ProcessTarget.class.getPackage().getImplementationVersion();
        return "lowbit " + (v == null ? "dev" : v);
    }
}

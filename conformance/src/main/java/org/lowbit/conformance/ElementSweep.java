package org.lowbit.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Exhaustive element checks of a target against the exact oracle: every code decoded, and every
 * FP16 or BF16 input encoded (2^16 each), bit for bit.
 */
public final class ElementSweep {
    private ElementSweep() {}

    private static final int MAX_REPORTED = 5;

    /** The outcome of one sweep: how many cases ran, how many failed, and the first failures, decoded. */
    public record Outcome(String operation, ElementFormat format, long cases, long failures, List<String> firstFailures) {
        public boolean passed() { return failures == 0; }
    }

    /** Decodes every code of {@code format} and compares the value with the oracle's. */
    public static Outcome decodeEveryCode(ElementTarget target, ElementFormat format) {
        List<String> failures = new ArrayList<>();
        long failed = 0;
        for (int code = 0; code < format.codeCount(); code++) {
            ExactValue expected = ExactCodec.decode(code, format);
            int actualBits = target.decodeToFloat32Bits(code, format);
            if (!expected.isValueOf(Float.intBitsToFloat(actualBits))) {
                failed++;
                if (failures.size() < MAX_REPORTED) {
                    failures.add(String.format(Locale.ROOT, "%s code 0x%02X: expected %s, got f32 0x%08X (%s)",
                            format, code, expected, actualBits, Float.intBitsToFloat(actualBits)));
                }
            }
        }
        return new Outcome("decode", format, format.codeCount(), failed, failures);
    }

    /**
     * Encodes every 16-bit pattern of {@code source} (FP16 or BF16) and compares each code with the
     * oracle's. Under SR, each input's random bits are {@link #randomBitsFor(int)} of its pattern.
     */
    public static Outcome encodeEverySixteenBitInput(ElementTarget target, SourceFormat source,
                                                     ElementFormat format, ElementKnobs knobs) {
        if (source != SourceFormat.FP16 && source != SourceFormat.BF16) {
            throw new IllegalArgumentException("the 16-bit sweep takes f16 or bf16, not " + source);
        }
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        IntStream.range(0, 1 << 16).parallel().forEach(pattern -> {
            int random = knobs.rounding() == Rounding.SR ? randomBitsFor(pattern) : 0;
            ExactValue x = source == SourceFormat.FP16 ? ExactValue.ofFloat16Bits(pattern) : ExactValue.ofBFloat16Bits(pattern);
            int expected = ExactCodec.encode(x, format, knobs, random);
            int actual = target.encode(source, pattern, format, knobs, random);
            if (actual != expected && failed.incrementAndGet() <= MAX_REPORTED) {
                failures.add(String.format(Locale.ROOT, "%s 0x%04X (%s) -> %s: expected 0x%02X (%s), got 0x%02X (%s)%s",
                        source, pattern, x, format, expected, describe(expected, format), actual,
                        format.isValidCode(actual) ? describe(actual, format) : "not a code",
                        knobs.rounding() == Rounding.SR ? String.format(Locale.ROOT, ", random bits 0x%08X", random) : ""));
            }
        });
        return new Outcome("encode-" + source.id(), format, 1 << 16, failed.get(), List.copyOf(failures));
    }

    /** Deterministic SR bits of an input: the high half of SplitMix64's output function of the pattern. */
    public static int randomBitsFor(int pattern) {
        return (int) (SplitMix64.mix(pattern) >>> 32);
    }

    private static String describe(int code, ElementFormat format) {
        return ExactCodec.decode(code, format).toString();
    }
}

package org.lowbit.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.Float32Ranges;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;

/**
 * All 2^32 FP32 patterns through the fast codec, against the exact oracle's answer for each of them
 * (the oracle states it as ranges of patterns with one code each, {@link ExactCodec#float32Ranges}).
 * Opt-in: {@code ./mvnw verify -Pexhaustive}. Runs on every core; prints its time per case.
 */
@EnabledIfSystemProperty(named = "lowbit.exhaustive", matches = "true",
        disabledReason = "the 2^32 sweep is opt-in: ./mvnw verify -Pexhaustive")
class ExhaustiveFloat32Test {
    private static final int CHUNKS = 1 << 10;
    private static final long CHUNK_SIZE = (1L << 32) / CHUNKS;

    @TestFactory
    @DisplayName("all 2^32 FP32 inputs: every format under ocp; fp8 and fp4 under ml-dtypes and cuda-satfinite")
    Stream<DynamicTest> everyFloat32Input() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ElementFormat format : ElementFormat.values()) {
            tests.add(sweep(ElementProfile.OCP, format));
        }
        for (ElementProfile profile : List.of(ElementProfile.ML_DTYPES, ElementProfile.CUDA_SATFINITE)) {
            for (ElementFormat format : List.of(ElementFormat.FP8_E4M3, ElementFormat.FP8_E5M2, ElementFormat.FP4_E2M1)) {
                tests.add(sweep(profile, format));
            }
        }
        return tests.stream();
    }

    private static DynamicTest sweep(ElementProfile profile, ElementFormat format) {
        ElementKnobs knobs = profile.knobsFor(format);
        return DynamicTest.dynamicTest(profile + " " + format + " " + knobs.rounding() + " " + knobs.overflow(), () -> {
            long started = System.nanoTime();
            Float32Ranges ranges = ExactCodec.float32Ranges(format, knobs);
            long oracleNanos = System.nanoTime() - started;
            AtomicLong mismatchCount = new AtomicLong();
            ConcurrentLinkedQueue<String> firstMismatches = new ConcurrentLinkedQueue<>();
            IntStream.range(0, CHUNKS).parallel().forEach(chunk -> {
                long first = chunk * CHUNK_SIZE;
                int range = rangeIndexOf(ranges, (int) first);
                long nextStart = range + 1 < ranges.size() ? Integer.toUnsignedLong(ranges.start(range + 1)) : 1L << 32;
                for (long p = first; p < first + CHUNK_SIZE; p++) {
                    while (p >= nextStart) {
                        range++;
                        nextStart = range + 1 < ranges.size() ? Integer.toUnsignedLong(ranges.start(range + 1)) : 1L << 32;
                    }
                    int fast = ElementCodec.encodeFloat32((int) p, format, knobs);
                    if (fast != ranges.code(range)) {
                        if (mismatchCount.incrementAndGet() <= 8) {
                            firstMismatches.add(String.format(Locale.ROOT, "f32 0x%08X (%s): exact 0x%02X, fast 0x%02X",
                                    p, Float.intBitsToFloat((int) p), ranges.code(range), fast));
                        }
                    }
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "exhaustive f32 -> %s under %s: %d oracle ranges in %.2f s, 2^32 inputs in %.1f s"
                              + " on %d threads%n", format, profile, ranges.size(), oracleNanos / 1e9, seconds,
                              Runtime.getRuntime().availableProcessors());
            assertEquals(List.of(), List.copyOf(firstMismatches),
                    () -> mismatchCount.get() + " of 2^32 inputs differ for " + format + " " + knobs);
        });
    }

    /** The index of the range that holds {@code pattern} (unsigned order). */
    private static int rangeIndexOf(Float32Ranges ranges, int pattern) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Integer.compareUnsigned(ranges.start(mid), pattern) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}

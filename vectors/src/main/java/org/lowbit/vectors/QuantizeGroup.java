package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;

/**
 * Quantize tests of one block format under one set of block knobs, for one tensor shape (SPEC.md §8).
 * The file also writes {@link #blockSize()} and {@link #elementKnobs()}, which follow from the rest.
 *
 * @param profile       the block profile the knobs come from
 * @param knobs         every block knob (SPEC.md §8.5)
 * @param rowLength     elements per row; blocks never span two rows
 * @param rows          rows in each test's tensor
 * @param elementLayout how {@code expected.elements} stores the codes (v1: always unpacked)
 * @param scaleLayout   how {@code expected.scales} stores the scales (v1: always row-major)
 * @param tensorScale   NVFP4's per-tensor scale: none, given by the test, or computed
 */
public record QuantizeGroup(BlockFormat format, BlockProfile profile, SourceFormat source, BlockKnobs knobs,
                            int rowLength, int rows, ElementLayout elementLayout, ScaleLayout scaleLayout,
                            TensorScaleMode tensorScale, String generator, long seed, List<QuantizeTest> tests)
        implements TestGroup {
    public QuantizeGroup {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(elementLayout, "elementLayout");
        Objects.requireNonNull(scaleLayout, "scaleLayout");
        Objects.requireNonNull(tensorScale, "tensorScale");
        if (source == SourceFormat.FP64) {
            throw new IllegalArgumentException("source f64 is not a vector-file source: use f32, bf16 or f16");
        }
        if (rowLength < 1 || rows < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "shape %d rows x %d must have at least one row of at least one element", rows, rowLength));
        }
        if (format.isMx() && tensorScale != TensorScaleMode.NONE) {
            throw new IllegalArgumentException(format.id() + " is single level: tensorScale must be none");
        }
        knobs.requireApplicableTo(format);
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
    }

    /** k, the elements per block: the format's. */
    public int blockSize() { return format.blockSize(); }

    /** The knobs of the element conversion: the element profile's, with the element rounding. */
    public ElementKnobs elementKnobs() { return knobs.elementKnobs(format); }

    @Override
    public Operation operation() { return Operation.QUANTIZE; }
}

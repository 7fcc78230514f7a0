package org.lowbit.conformance.target;

import java.util.Objects;
import java.util.Set;
import org.lowbit.spec.SourceFormat;

/**
 * One claim of a capability manifest: the target performs {@code operation} on {@code format} under
 * {@code profile}, for every listed source (or output) precision and layout. The suite runs everything a
 * claim covers; a claim that is not run is a failure.
 *
 * <pre>
 *   operation          format                    profile                  precisions        layouts
 *   encode             element format id         element profile id       sources            -
 *   decode             element format id         "none"                   -  (output f32)    -
 *   quantize           block format id           block profile id         sources            element + scale
 *   dequantize         block format id           block profile id         outputs            element + scale
 *   scaled-quantize    scaled format id          scaled profile id        sources            element (codes)
 *   scaled-dequantize  scaled format id          scaled profile id        outputs (f32)      element (codes)
 * </pre>
 *
 * @param operation      what is claimed
 * @param format         the format id (SPEC.md §1, §8, §11)
 * @param profile        the profile id, or {@code none} for decode
 * @param precisions     source formats read (encode, quantize) or output formats written (dequantize)
 * @param elementLayouts element layout ids (SPEC.md §9.1), e.g. {@code unpacked}, {@code nibble-low-first}
 * @param scaleLayouts   scale layout ids (SPEC.md §9.4), e.g. {@code row-major}, {@code swizzle-128x4}
 */
public record Capability(Operation operation, String format, String profile, Set<SourceFormat> precisions,
                         Set<String> elementLayouts, Set<String> scaleLayouts) {

    /** The profile id of operations that have none. */
    public static final String NO_PROFILE = "none";

    public Capability {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        precisions = Set.copyOf(precisions);
        elementLayouts = Set.copyOf(elementLayouts);
        scaleLayouts = Set.copyOf(scaleLayouts);
    }

    /** Whether this claim covers the operation on the format under the profile. */
    public boolean covers(Operation op, String formatId, String profileId) {
        return operation == op && format.equals(formatId) && profile.equals(profileId);
    }
}

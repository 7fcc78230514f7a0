package org.lowbit.vectors;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** What a quantize test expects: the outputs, or an error. */
public sealed interface QuantizeExpected {

    /**
     * @param scales      one scale code per block, row-major in block order (the group's scaleLayout)
     * @param elements    one element code per element, one byte each (the group's elementLayout)
     * @param tensorScale the computed per-tensor scale g, FP32; only in groups whose tensorScale is "computed"
     * @param dequantized every element's value, FP32, row-major; an expected NaN matches any NaN
     */
    record Output(String scales, String elements, Optional<String> tensorScale, String dequantized)
            implements QuantizeExpected {
        public Output {
            HexBytes.requireHex("scales", scales);
            HexBytes.requireHex("elements", elements);
            Objects.requireNonNull(tensorScale, "tensorScale");
            tensorScale.ifPresent(g -> HexBytes.requireHex("tensorScale", g, 4));
            HexBytes.requireHex("dequantized", dequantized);
        }
    }

    /**
     * An invalid input: the implementation must reject it.
     *
     * @param error lowbit's error code, e.g. {@code RAGGED_TAIL} (upper case, digits and '_')
     */
    record Rejected(String error) implements QuantizeExpected {
        private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

        public Rejected {
            Objects.requireNonNull(error, "error");
            if (!CODE.matcher(error).matches()) {
                throw new IllegalArgumentException("error code '" + error + "' must match " + CODE.pattern());
            }
        }
    }
}

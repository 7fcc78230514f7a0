/**
 * The exact oracle of element conversion: {@link org.lowbit.reference.exact.ExactCodec} decodes every
 * code to its exact value and encodes an exact value ({@link org.lowbit.reference.exact.ExactValue}) by
 * searching the format's grid with {@link java.math.BigDecimal} arithmetic, and
 * {@link org.lowbit.reference.exact.Float32Ranges} gives its answer for all 2^32 FP32 inputs at once.
 *
 * <p>It is written independently of the fast integer codec in {@code org.lowbit.reference} and shares
 * no rounding code with it, so that comparing the two on every FP16, BF16 and FP32 input means something
 * (DESIGN.md §3). It reads only the format parameters and knobs of {@code org.lowbit.spec}.
 */
package org.lowbit.reference.exact;

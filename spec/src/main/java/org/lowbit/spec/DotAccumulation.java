package org.lowbit.spec;

/**
 * How an MX dot product (OCP MX v1.0 §6.1 Dot, §6.2 DotGeneral) accumulates: the knob {@code dot
 * accumulation}. The spec fixes the value, C = Σ_j X(A_j)·X(B_j)·Σ_i P_i(A_j)·P_i(B_j), and leaves
 * "the internal precision and order of operations" to the implementation, so there is no single
 * bit-exact result (research/mx-semantics.md §1.6, §7 row D24). Each value below pins one order and
 * one precision, so that it is bit-exact; an implementation that follows none of them is checked
 * against the error bound of {@code SPEC.md §10} §4 instead.
 *
 * <p>Notation (SPEC.md §10.1): n blocks of k elements; p_ji = P_i(A_j)·P_i(B_j) the element
 * product, which is exact in binary32 for every pair of element formats; S_j = X(A_j)·X(B_j) the
 * block-scale product; g_A, g_B the per-tensor scales (1 when absent); fl(·) one IEEE 754 binary32
 * rounding to nearest, ties to even, with gradual underflow; every accumulator starts at +0, and
 * blocks and elements are taken in index order. Every value but {@link #EXACT} ends with the epilogue
 * c = fl(acc · fl(g_A · g_B)), exact when both tensor scales are 1.
 *
 * <p>References:
 * <ol>
 *   <li>OCP Microscaling Formats (MX) v1.0 §6.1, §6.2.</li>
 *   <li>arm/tosa-specification {@code pseudocode/operators/MATMUL_T_BLOCK_SCALED.tosac}.</li>
 *   <li>IEEE 754-2019 §4.3.1 (roundTiesToEven), §5.4.1 (fusedMultiplyAdd), §7.4 (overflow).</li>
 * </ol>
 */
public enum DotAccumulation {
    /** c = fl(g_A·g_B·Σ_j S_j·Σ_i p_ji): the exact value, rounded once. */
    EXACT("the exact sum, rounded once to FP32",
          "OCP MX v1.0 §6.1-6.2 (the value itself)"),

    /**
     * b_j = fl(S_j·Σ_i p_ji) (each block exact, as a wide hardware accumulator gives, rounded once);
     * acc = fl(acc + b_j) for j = 0..n-1.
     */
    EXACT_BLOCK_THEN_FP32("each block exact and rounded once, blocks summed in FP32",
                          "a block-wide exact accumulator, then FP32 accumulation across blocks"),

    /**
     * For each block: block_acc = fl(block_acc + fl(P_i(A_j)·P_i(B_j))) for i = 0..k-1 (the product is
     * exact); s = fl(X(A_j)·X(B_j)) (E8M0: 0 when S_j ≤ 2^-150, +Inf when S_j ≥ 2^128);
     * block_acc = fl(block_acc·s); acc = fl(acc + block_acc).
     */
    TOSA_BLOCK_SCALED("TOSA MATMUL_T_BLOCK_SCALED: per-block FP32 sum, times the FP32 scale product",
                      "arm/tosa-specification MATMUL_T_BLOCK_SCALED.tosac"),

    /** acc = fl(acc + fl(S_j·p_ji)) in the order j, then i: each product rounded once (exact scale). */
    SEQUENTIAL_FP32("every scaled product rounded once, summed sequentially in FP32",
                    "the textbook recursive summation of the products"),

    /**
     * a_i = fl(P_i(A)·X(A)), b_i = fl(P_i(B)·X(B)) (dequantize each operand to FP32: exact unless it
     * overflows to ±Inf); acc = fma(a_i, b_i, acc), one rounding each, in the order j, then i.
     */
    DEQUANTIZE_FMA_FP32("dequantize each operand to FP32, then a sequential fused multiply-add chain",
                        "dequantize-then-matmul emulation on a CPU with FMA");

    private final String meaning;
    private final String source;

    DotAccumulation(String meaning, String source) {
        this.meaning = meaning;
        this.source = source;
    }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** What the value follows. */
    public String source() { return source; }

    /** Parses {@code tosa_block_scaled}, {@code TOSA-BLOCK-SCALED}, ... with an error that lists the values. */
    public static DotAccumulation parse(String name) {
        return Knobs.parse(DotAccumulation.class, name);
    }
}

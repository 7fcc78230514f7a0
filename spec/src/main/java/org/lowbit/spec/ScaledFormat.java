package org.lowbit.spec;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;

/**
 * The scaled formats: an element format plus a scale per tensor, row, block or group of a 2-D tensor
 * (rows × cols, row-major), as data. The tiling is a block of {@code blockRows × blockCols} elements;
 * {@link #WHOLE} stands for a whole dimension and {@link #GROUP} for the group-size knob.
 *
 * <p>References (research/int-packing.md):
 * <ol>
 *   <li>§6.1 granularity: per tensor (one scale), per channel (one per output row of a weight
 *       W[N][K]), per token (one per row of an activation X[M][K]), per group [N, K/G].</li>
 *   <li>§6.6 DeepSeek-V3 block FP8: 1×128 tiles of activations, 128×128 tiles of weights.</li>
 *   <li>§1-§3 AWQ, GPTQ, HQQ: groups of G consecutive elements along K of one row of W[N][K].</li>
 *   <li>§5.1 GGUF: consecutive blocks of 32 along a row.</li>
 * </ol>
 *
 * <p>Per channel and per token tile alike (1 × cols); the two ids say which tensor they are meant for.
 */
public enum ScaledFormat {
    // @formatter:off
    //                      id                        family            block rows  block cols  scale rules
    INT8_PER_TENSOR        ("int8_per_tensor",        Family.INT8,      Extent.WHOLE, Extent.WHOLE, Family.INT8_RULES),
    INT8_PER_CHANNEL       ("int8_per_channel",       Family.INT8,      1,          Extent.WHOLE, Family.INT8_RULES),
    INT8_PER_TOKEN         ("int8_per_token",         Family.INT8,      1,          Extent.WHOLE, Family.INT8_RULES),
    INT8_BLOCK_1X128       ("int8_block_1x128",       Family.INT8,      1,          128,        Family.INT8_RULES),
    INT8_BLOCK_128X128     ("int8_block_128x128",     Family.INT8,      128,        128,        Family.INT8_RULES),
    FP8_E4M3_BLOCK_1X128   ("fp8_e4m3_block_1x128",   Family.FP8_E4M3,  1,          128,        Family.FP8_RULES),
    FP8_E4M3_BLOCK_128X128 ("fp8_e4m3_block_128x128", Family.FP8_E4M3,  128,        128,        Family.FP8_RULES),
    INT4_GROUP             ("int4_group",             Family.INT4,      1,          Extent.GROUP, Family.INT4_RULES),
    GGUF_Q4_0              ("gguf_q4_0",              Family.INT4,      1,          32,         EnumSet.of(QuantizerRule.GGUF_Q4_0)),
    GGUF_Q4_1              ("gguf_q4_1",              Family.INT4,      1,          32,         EnumSet.of(QuantizerRule.GGUF_Q4_1)),
    GGUF_Q8_0              ("gguf_q8_0",              Family.INT8,      1,          32,         EnumSet.of(QuantizerRule.ABSMAX));
    // @formatter:on

    /** Special block extents. */
    public static final class Extent {
        private Extent() {}

        /** The whole dimension (per tensor: rows and cols; per row: cols). */
        public static final int WHOLE = 0;
        /** The group size knob ({@link ScaledKnobs#groupSize()}); int4_group only. */
        public static final int GROUP = -1;
    }

    /** The element family: which code grid and which qmax the scale rules use. */
    public enum Family {
        /** int8 codes, qmax 127, qmin −128. */
        INT8(127, -128),
        /** 4-bit codes: int4 (two's complement, qmax 7, qmin −8) without a zero point, uint4 0..15 with one. */
        INT4(7, -8),
        /** fp8_e4m3 (OFP8 "fn") codes, qmax 448. */
        FP8_E4M3(448, -448);

        private static final Set<QuantizerRule> INT8_RULES = EnumSet.of(QuantizerRule.ABSMAX, QuantizerRule.ABSMAX_HALF_STEP);
        private static final Set<QuantizerRule> FP8_RULES = EnumSet.of(QuantizerRule.ABSMAX);
        private static final Set<QuantizerRule> INT4_RULES = EnumSet.of(QuantizerRule.ABSMAX, QuantizerRule.ABSMAX_HALF_STEP,
                QuantizerRule.AWQ_MIN_MAX, QuantizerRule.GPTQ_SYMMETRIC, QuantizerRule.GPTQ_ASYMMETRIC, QuantizerRule.HQQ_MIN_MAX);

        private final int qmax;
        private final int qmin;

        Family(int qmax, int qmin) {
            this.qmax = qmax;
            this.qmin = qmin;
        }

        /** The largest code magnitude that amax maps to: 127, 7, 448. */
        public int qmax() { return qmax; }

        /** The most negative code: −128, −8 (fp8: −448). */
        public int qmin() { return qmin; }
    }

    private final String id;
    private final Family family;
    private final int blockRows;
    private final int blockCols;
    private final Set<QuantizerRule> rules;

    ScaledFormat(String id, Family family, int blockRows, int blockCols, Set<QuantizerRule> rules) {
        this.id = id;
        this.family = family;
        this.blockRows = blockRows;
        this.blockCols = blockCols;
        this.rules = Collections.unmodifiableSet(EnumSet.copyOf(rules));
    }

    /** The id on the command line and in vector files, e.g. {@code int8_per_token}. */
    public String id() { return id; }

    public Family family() { return family; }

    /** Block rows: a count, or {@link Extent#WHOLE}. */
    public int blockRowsSpec() { return blockRows; }

    /** Block cols: a count, {@link Extent#WHOLE} or {@link Extent#GROUP}. */
    public int blockColsSpec() { return blockCols; }

    /** The scale rules this format may use. */
    public Set<QuantizerRule> rules() { return rules; }

    /** Whether the block size along cols comes from the group-size knob. */
    public boolean hasGroupSize() { return blockCols == Extent.GROUP; }

    /** The block height for a tensor of {@code rows} rows. */
    public int blockRows(int rows) {
        return blockRows == Extent.WHOLE ? rows : blockRows;
    }

    /** The block width for a tensor of {@code cols} cols and the group-size knob. */
    public int blockCols(int cols, int groupSize) {
        return switch (blockCols) {
            case Extent.WHOLE -> cols;
            case Extent.GROUP -> groupSize;
            default -> blockCols;
        };
    }

    /**
     * The element format of the codes: int8 for the INT8 family; fp8_e4m3; for 4 bits, int4 (two's
     * complement) when the rule has no zero point and uint4 (0..15) when it has one (GGUF Q4_0's codes
     * are uint4 with the implicit zero 8).
     */
    public ElementFormat elementFormat(QuantizerRule rule) {
        return switch (family) {
            case INT8 -> ElementFormat.INT8;
            case FP8_E4M3 -> ElementFormat.FP8_E4M3;
            case INT4 -> rule.zeroPoint() == ScaledPolicies.ZeroPoint.NONE ? ElementFormat.INT4 : ElementFormat.UINT4;
        };
    }

    /** The block shape as text: {@code 1×128}, {@code rows×cols}, {@code 1×G}. */
    public String blockText() {
        String r = blockRows == Extent.WHOLE ? "rows" : Integer.toString(blockRows);
        String c = switch (blockCols) {
            case Extent.WHOLE -> "cols";
            case Extent.GROUP -> "G";
            default -> Integer.toString(blockCols);
        };
        return r + "×" + c;
    }

    /** Looks a format up by its id, case-insensitively. */
    public static ScaledFormat byId(String id) {
        for (ScaledFormat f : values()) {
            if (f.id.equalsIgnoreCase(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown scaled format '%s'; known formats: %s", id, ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(ScaledFormat::id).collect(Collectors.joining(", "));
    }

    public static List<ScaledFormat> all() { return List.of(values()); }

    @Override
    public String toString() { return id; }
}

package org.lowbit.spec;

/**
 * The wide formats that values are converted from: IEEE 754-2019 binary32, binary16 and binary64, and
 * bfloat16 (the top half of a binary32). Every BF16 and FP16 value is exactly a binary32 value, so
 * widening them first never changes a conversion's result.
 */
public enum SourceFormat {
    // @formatter:off
    //     id      width E   M   bias
    FP32  ("f32",  32,   8,  23, 127),   // max (2-2^-23)·2^127
    BF16  ("bf16", 16,   8,   7, 127),   // max (2-2^-7)·2^127
    FP16  ("f16",  16,   5,  10,  15),   // max (2-2^-10)·2^15 = 65504
    FP64  ("f64",  64,  11,  52, 1023);  // the exact oracle's input too
    // @formatter:on

    private final String id;
    private final int bits;
    private final int exponentBits;
    private final int mantissaBits;
    private final int bias;

    SourceFormat(String id, int bits, int exponentBits, int mantissaBits, int bias) {
        this.id = id;
        this.bits = bits;
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
    }

    public String id() { return id; }

    public int bits() { return bits; }

    public int bytes() { return bits / 8; }

    public int exponentBits() { return exponentBits; }

    public int mantissaBits() { return mantissaBits; }

    public int bias() { return bias; }

    /** Largest finite value. */
    public double maxFinite() {
        return Math.scalb(2.0 - Math.scalb(1.0, -mantissaBits), bias);
    }

    /** Smallest positive normal, 2^(1-bias). */
    public double minNormal() { return Math.scalb(1.0, 1 - bias); }

    /** Smallest positive subnormal, 2^(1-bias-M). */
    public double minSubnormal() { return Math.scalb(1.0, 1 - bias - mantissaBits); }

    public static SourceFormat byId(String id) {
        for (SourceFormat f : values()) {
            if (f.id.equalsIgnoreCase(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown source format '" + id + "'; known: f32, bf16, f16, f64");
    }

    @Override
    public String toString() { return id; }
}

package org.lowbit.reference.scaled;

import org.lowbit.spec.SplitMix64;

/**
 * Deterministic test tensors (SplitMix64, SPEC.md §7) whose rows exercise the branches of the scale
 * rules: a row of normals, a row of normals of random magnitude 1e-4..10, a row of multiples of 1/8
 * (ties at half steps), a row without negatives, a zero row, a row of small values (FP16-subnormal
 * scales), a row with one outlier, a row without positives, a constant row, a row of values near 1e-5,
 * and every third row rounded to BF16 (as activations usually are).
 */
final class TestTensors {
    private TestTensors() {}

    static float[] mixed(long seed, int rows, int cols) {
        SplitMix64 random = new SplitMix64(seed);
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int kind = r % 10;
            double magnitude = Math.pow(10, uniform(random) * 5 - 4);
            int outlier = (int) (uniform(random) * cols);
            for (int c = 0; c < cols; c++) {
                double v = switch (kind) {
                    case 0 -> gauss(random);
                    case 1 -> gauss(random) * magnitude;
                    case 2 -> Math.rint(gauss(random) * 16) / 8;
                    case 3 -> Math.abs(gauss(random));
                    case 4 -> 0.0;
                    case 5 -> gauss(random) * 1e-3;
                    case 6 -> c == outlier ? 40.0 : gauss(random);
                    case 7 -> -Math.abs(gauss(random) * 2);
                    case 8 -> 0.37;
                    default -> (uniform(random) * 2 - 1) * 1e-5;
                };
                float f = (float) v;
                if (r % 3 == 1) {
                    f = Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xFFFF0000); // BF16 (truncated)
                }
                x[r * cols + c] = f;
            }
        }
        return x;
    }

    static double uniform(SplitMix64 random) {
        return (random.nextLong() >>> 11) * 0x1.0p-53;
    }

    static double gauss(SplitMix64 random) {
        double u = uniform(random);
        double v = uniform(random);
        return Math.sqrt(-2 * Math.log(u + 0x1.0p-60)) * Math.cos(2 * Math.PI * v);
    }

    static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }
}

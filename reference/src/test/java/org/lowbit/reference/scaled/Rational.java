package org.lowbit.reference.scaled;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.lowbit.spec.ScaledPolicies.Precision;

/**
 * An exact rational number num/den (den &gt; 0) and its round-to-nearest-even onto an IEEE precision, by
 * integer arithmetic only. The test side's oracle: it shares nothing with {@code FloatRounding} (which
 * uses {@code Math.scalb} and {@code Math.rint}) or {@code Arithmetic}.
 */
record Rational(BigInteger num, BigInteger den) {

    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);

    Rational {
        if (den.signum() <= 0) {
            throw new IllegalArgumentException("denominator must be positive");
        }
    }

    /** The exact value of a finite double: its integer significand over a power of two. */
    static Rational of(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("not finite: " + x);
        }
        if (x == 0) {
            return ZERO;
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponentField = (int) ((bits >>> 52) & 0x7FF);
        long significand = bits & 0xFFFFFFFFFFFFFL;
        if (exponentField != 0) {
            significand |= 1L << 52;
        }
        int exponent = (exponentField == 0 ? 1 : exponentField) - 1075; // x = significand · 2^exponent
        int shift = Long.numberOfTrailingZeros(significand);
        significand >>= shift;
        exponent += shift;
        BigInteger n = BigInteger.valueOf(x < 0 ? -significand : significand);
        return exponent >= 0 ? new Rational(n.shiftLeft(exponent), BigInteger.ONE)
                             : new Rational(n, BigInteger.ONE.shiftLeft(-exponent));
    }

    static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational subtract(Rational o) {
        return add(o.negate());
    }

    Rational multiply(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    /** Exact quotient; the divisor must not be zero. */
    Rational divide(Rational o) {
        if (o.num.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        BigInteger n = num.multiply(o.den);
        BigInteger d = den.multiply(o.num);
        return d.signum() < 0 ? new Rational(n.negate(), d.negate()) : new Rational(n, d);
    }

    Rational negate() {
        return new Rational(num.negate(), den);
    }

    Rational abs() {
        return new Rational(num.abs(), den);
    }

    int signum() {
        return num.signum();
    }

    int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    /** floor(log2 |this|), this ≠ 0. */
    int floorLog2() {
        BigInteger a = num.abs();
        int e = a.bitLength() - den.bitLength();
        // 2^e ≤ a/den < 2^(e+1) after at most one correction each way
        while (compareAbsToPow2(a, e) < 0) {
            e--;
        }
        while (compareAbsToPow2(a, e + 1) >= 0) {
            e++;
        }
        return e;
    }

    private int compareAbsToPow2(BigInteger a, int e) {
        return e >= 0 ? a.compareTo(den.shiftLeft(e)) : a.shiftLeft(-e).compareTo(den);
    }

    /**
     * The value of {@code p} nearest to this, ties to the even significand; ±Inf above the largest
     * finite value (IEEE 754-2019 §4.3.1, §7.4); a zero result keeps the sign of this.
     */
    double round(Precision p) {
        if (num.signum() == 0) {
            return 0.0;
        }
        int e = Math.max(floorLog2(), p.emin());
        int q = e - (p.precision() - 1);                   // the quantum is 2^q
        BigInteger n = num.abs();
        BigInteger d = den;
        if (q >= 0) {
            d = d.shiftLeft(q);
        } else {
            n = n.shiftLeft(-q);
        }
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger integer = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(d);
        if (half > 0 || (half == 0 && integer.testBit(0))) {
            integer = integer.add(BigInteger.ONE);
        }
        double magnitude = Math.scalb(integer.doubleValue(), q); // integer ≤ 2^p: exact
        if (magnitude > p.maxFinite()) {
            magnitude = Double.POSITIVE_INFINITY;
        }
        return num.signum() < 0 ? -magnitude : magnitude;
    }

    BigDecimal toBigDecimal(int digits) {
        return new BigDecimal(num).divide(new BigDecimal(den), new java.math.MathContext(digits));
    }

    @Override
    public String toString() {
        return num + "/" + den;
    }
}

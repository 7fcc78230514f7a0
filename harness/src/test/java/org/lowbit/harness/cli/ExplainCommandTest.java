package org.lowbit.harness.cli;

import static org.lowbit.harness.cli.CliRun.lowbit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExplainCommandTest {

    @Test
    @DisplayName("explain fp4_e2m1 0x7: fields 0 11 1, normal, 1.5 × 2^2 = 6, FP32 0x40C00000")
    void codeOfFp4() {
        lowbit("explain", "fp4_e2m1", "0x7").assertOk()
                .assertOutContains("0x7  fp4_e2m1  S=0 E=11 M=1", "normal", "1.5 × 2^2 = 6", "0x40C00000");
    }

    @Test
    @DisplayName("explain fp8_e4m3 0x7E and 0b1111110: 1.75 × 2^8 = 448")
    void codeOfE4m3InHexAndBinary() {
        lowbit("explain", "fp8_e4m3", "0x7E").assertOk()
                .assertOutContains("S=0 E=1111 M=110", "1.75 × 2^8 = 448", "0x43E00000");
        lowbit("explain", "fp8_e4m3", "0b1111110").assertOk().assertOutContains("1.75 × 2^8 = 448");
    }

    @Test
    @DisplayName("explain of subnormal, NaN, -0, e8m0 and mxint8 codes")
    void codeClasses() {
        lowbit("explain", "fp8_e4m3", "0x06").assertOk().assertOutContains("subnormal", "0.75 × 2^-6 = 0.01171875");
        lowbit("explain", "fp8_e4m3", "0xFF").assertOk().assertOutContains("NaN", "0xFFC00000");
        lowbit("explain", "fp8_e5m2", "0xFC").assertOk().assertOutContains("Inf", "-inf", "0xFF800000");
        lowbit("explain", "fp8_e4m3", "0x80").assertOk().assertOutContains("zero", "-0", "0x80000000");
        lowbit("explain", "e8m0", "0x00").assertOk().assertOutContains("2^-127 = 0.0000000000000000000000000000000000000058774717541114375398436826861112283890933277838604376075437585313920862972736358642578125", "0x00400000");
        lowbit("explain", "mxint8", "0x80").assertOk().assertOutContains("-128 × 2^-6 = -2", "two's complement");
    }

    @Test
    @DisplayName("explain fp8_e4m3 464: a tie at the overflow threshold, RNE keeps max 0x7E")
    void tieAtTheOverflowThreshold() {
        lowbit("explain", "fp8_e4m3", "464").assertOk()
                .assertOutContains("below     0x7E (448)", "above     480", "midpoint  464", "exact tie",
                        "result    0x7E", "tie at the overflow threshold 464", "RNE picks the even code, max 0x7E");
    }

    @Test
    @DisplayName("explain fp8_e4m3 465: NaN 0x7F under ml-dtypes, 0x7E under cuda-satfinite")
    void pastTheOverflowThreshold() {
        lowbit("explain", "fp8_e4m3", "465", "--profile", "ml-dtypes").assertOk()
                .assertOutContains("result    0x7F", "above max 448 and past the overflow threshold 464: NONSAT gives NaN 0x7F");
        lowbit("explain", "fp8_e4m3", "465", "--profile", "cuda-satfinite").assertOk()
                .assertOutContains("result    0x7E", "above max 448 and past the overflow threshold 464: SATFINITE clamps to 0x7E");
    }

    @Test
    @DisplayName("explain fp8_e4m3 4.25: tie between 0x48 (4) and 0x49 (4.5), RNE picks 0x48; RNA 0x49")
    void tieBetweenTwoCodes() {
        lowbit("explain", "fp8_e4m3", "4.25").assertOk()
                .assertOutContains("midpoint  4.25", "tie between 0x48 (4) and 0x49 (4.5): RNE picks the even code 0x48");
        lowbit("explain", "fp8_e4m3", "4.25", "--rounding", "RNA").assertOk()
                .assertOutContains("result    0x49", "RNA rounds away from zero to 0x49");
    }

    @Test
    @DisplayName("explain fp8_e5m2 61440 under ml-dtypes: the tie goes to the even step past max, so +Inf 0x7C")
    void tieThatOverflows() {
        lowbit("explain", "fp8_e5m2", "61440", "--profile", "ml-dtypes").assertOk()
                .assertOutContains("result    0x7C", "NONSAT gives +Inf 0x7C");
    }

    @Test
    @DisplayName("explain of NaN and -Inf: the profile's policy, by name")
    void specialValues() {
        lowbit("explain", "fp8_e4m3", "nan", "--profile", "ml-dtypes").assertOk()
                .assertOutContains("NaN: ml-dtypes maps NaN to 0x7F (nan policy QUIET_NAN_SIGNED");
        lowbit("explain", "fp4_e2m1", "-nan", "--profile", "ml-dtypes").assertOk()
                .assertOutContains("result    0x0", "NEGATED_ZERO");
        lowbit("explain", "fp8_e4m3", "-inf").assertOk()
                .assertOutContains("result    0xFE", "-Inf is treated as an overflow");
        lowbit("explain", "e8m0", "-3", "--profile", "ml-dtypes").assertOk()
                .assertOutContains("result    0xFF", "negative policy TO_NAN");
    }

    @Test
    @DisplayName("explain fp8_e4m3 0.3: not an FP32 value, so the nearest FP32 0x3E99999A is used")
    void inexactDecimal() {
        lowbit("explain", "fp8_e4m3", "0.3").assertOk()
                .assertOutContains("0.3 is not an FP32 value", "f32 0x3E99999A = 0.300000011920928955078125",
                        "result    0x2A");
        lowbit("explain", "fp8_e4m3", "0.3", "--from", "bf16").assertOk()
                .assertOutContains("0.3 is not a BF16 value", "bf16 0x3E9A = 0.30078125", "result    0x2A");
        lowbit("explain", "fp8_e4m3", "65520", "--from", "f16").assertOk()
                .assertOutContains("65520 is not an FP16 value", "f16 0x7C00 = inf");
    }

    @Test
    @DisplayName("explain --bits takes an exact pattern of --from")
    void bitPattern() {
        lowbit("explain", "fp8_e4m3", "--bits", "0x43E80000").assertOk().assertOutContains("f32 0x43E80000 = 464", "0x7E");
        lowbit("explain", "fp4_e2m1", "--bits", "0x3FC0", "--from", "bf16").assertOk()
                .assertOutContains("bf16 0x3FC0 = 1.5", "exact: 1.5 is the value of 0x3");
    }

    @Test
    @DisplayName("explain with SR: the threshold on the random bits, and the code for given bits")
    void stochastic() {
        lowbit("explain", "fp8_e4m3", "4.25", "--rounding", "SR").assertOk()
                .assertOutContains("0x48 (4) when the random bits are below 0x80000000, else 0x49 (4.5)");
        lowbit("explain", "fp8_e4m3", "4.25", "--rounding", "SR", "--random", "0x80000000").assertOk()
                .assertOutContains("result    0x49");
    }

    @Test
    @DisplayName("explain: bad input fails with one line")
    void badInput() {
        lowbit("explain", "fp9", "1").assertBadInput("unknown element format 'fp9'");
        lowbit("explain", "fp8_e4m3", "abc").assertBadInput("'abc' is neither a code");
        lowbit("explain", "ue4m3", "0x80").assertBadInput("code 0x80 is not a ue4m3 code (valid codes 0x00..0x7F)");
        lowbit("explain", "fp8_e4m3", "0x1FF").assertBadInput("is not a fp8_e4m3 code");
        lowbit("explain", "fp8_e4m3").assertBadInput("give a code or a value");
        lowbit("explain", "fp8_e4m3", "1", "--bits", "0x3F800000").assertBadInput("not both");
        lowbit("explain", "fp8_e4m3", "--bits", "0x10000", "--from", "f16").assertBadInput("does not fit in a 16-bit f16");
        lowbit("explain", "fp8_e4m3", "1", "--profile", "x").assertBadInput("unknown element profile 'x'");
        lowbit("explain", "fp8_e4m3", "1", "--rounding", "x").assertBadInput("unknown rounding 'x'");
        lowbit("explain", "fp8_e4m3", "1", "--random", "0x1").assertBadInput("--random is only for rounding SR");
        lowbit("explain", "fp8_e4m3", "1", "--from", "f64").assertBadInput("unknown --from format 'f64'");
    }
}

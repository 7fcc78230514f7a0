package org.lowbit.conformance.suite;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.conformance.target.TargetProvider;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockPolicies.ScaleClampRange;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;

/**
 * Deliberately broken targets for the suite's own tests: {@code broken:BUG} wraps the reference and breaks one
 * thing; each claims only the reference capabilities its bug touches, so that its run stays short.
 */
public final class BrokenTargets implements TargetProvider {

    @Override
    public String kind() { return "broken"; }

    @Override
    public String description() { return "test targets that each break one thing"; }

    @Override
    public Target open(String bug) {
        return switch (bug) {
            case "nibble-swap" -> new Broken(bug, claims(Operation.QUANTIZE, "mxfp4", "ocp-mx-1.0")) {
                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    QuantizeResult q = super.quantize(r);
                    if (r.elementLayout() != ElementLayout.NIBBLE_LOW_FIRST && r.elementLayout() != ElementLayout.NIBBLE_HIGH_FIRST) {
                        return q;
                    }
                    byte[] e = q.elements().clone();
                    for (int i = 0; i < e.length; i++) {
                        e[i] = (byte) ((e[i] & 0x0F) << 4 | (e[i] & 0xF0) >>> 4);
                    }
                    return new QuantizeResult(q.scales(), e, q.tensorScaleBits());
                }
            };
            case "ties-away" -> new Broken(bug, claims(Operation.ENCODE, "fp4_e2m1", "ocp")
                    .or(claims(Operation.QUANTIZE, "mxfp4", "ocp-mx-1.0"))) {
                @Override
                public byte[] encode(EncodeRequest r) throws TargetException {
                    return super.encode(new EncodeRequest(r.format(), r.profile(), r.knobs().rounding() == Rounding.RNE
                            ? r.knobs().withRounding(Rounding.RNA) : r.knobs(), r.source(), r.input(), r.randomBits()));
                }

                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    return super.quantize(new QuantizeRequest(r.format(), r.profile(), r.knobs().elementRounding() == Rounding.RNE
                            ? r.knobs().withElementRounding(Rounding.RNA) : r.knobs(), r.source(), r.rows(), r.rowLength(),
                            r.input(), r.elementLayout(), r.scaleLayout(), r.tensorScaleMode(), r.tensorScaleBits()));
                }
            };
            case "scale-binade" -> new Broken(bug, claims(Operation.QUANTIZE, "mxfp4", "ocp-mx-1.0")) {
                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    QuantizeResult q = ref.quantize(new QuantizeRequest(r.format(), r.profile(), r.knobs(), r.source(), r.rows(),
                            r.rowLength(), r.input(), ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, r.tensorScaleMode(),
                            r.tensorScaleBits()));
                    byte[] scales = q.scales().clone();
                    for (int i = 0; i < scales.length; i++) {
                        scales[i]++;
                    }
                    int blocks = Math.ceilDiv(r.rowLength(), r.format().blockSize());
                    return new QuantizeResult(ScalePacking.pack(r.scaleLayout(), scales, r.rows(), blocks),
                            ElementPacking.pack(r.elementLayout(), r.format().element(), q.elements()), q.tensorScaleBits());
                }
            };
            case "one-input" -> new Broken(bug, claims(Operation.QUANTIZE, "mxfp4", "ocp-mx-1.0")) {
                /** The code of f32 1.0 (0x3f800000), and only that input's, gets its low bit flipped. */
                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    QuantizeResult q = super.quantize(r);
                    if (r.source() != SourceFormat.FP32 || r.elementLayout() != ElementLayout.UNPACKED) {
                        return q;
                    }
                    byte[] e = q.elements().clone();
                    for (int i = 0; i < r.count(); i++) {
                        if (LittleEndian.getInt(r.input(), 4 * i) == 0x3f800000) {
                            e[i] ^= 1;
                        }
                    }
                    return new QuantizeResult(q.scales(), e, q.tensorScaleBits());
                }
            };
            case "nan-to-zero" -> new Broken(bug, claims(Operation.DECODE, "fp8_e4m3", Capability.NO_PROFILE)) {
                @Override
                public byte[] decode(DecodeRequest r) throws TargetException {
                    byte[] out = super.decode(r);
                    for (int i = 0; i < r.codes().length; i++) {
                        if (Float.isNaN(Float.intBitsToFloat(LittleEndian.getInt(out, 4 * i)))) {
                            LittleEndian.putInt(out, 4 * i, 0);
                        }
                    }
                    return out;
                }
            };
            case "flush-subnormals" -> new Broken(bug, claims(Operation.ENCODE, "fp8_e4m3", "ocp")) {
                @Override
                public byte[] encode(EncodeRequest r) throws TargetException {
                    byte[] out = super.encode(r);
                    for (int i = 0; i < out.length; i++) {
                        int c = out[i] & 0xFF;
                        if ((c & 0x78) == 0) {
                            out[i] = (byte) (c & 0x80);
                        }
                    }
                    return out;
                }
            };
            case "nvfp4-clamp" -> new Broken(bug, claims(Operation.QUANTIZE, "nvfp4", "nvfp4-torchao")) {
                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    return super.quantize(new QuantizeRequest(r.format(), r.profile(),
                            r.knobs().withScaleClamp(ScaleClampRange.MIN_SUBNORMAL), r.source(), r.rows(), r.rowLength(),
                            r.input(), r.elementLayout(), r.scaleLayout(), r.tensorScaleMode(), r.tensorScaleBits()));
                }
            };
            case "fp6-reversed" -> new Broken(bug, claims(Operation.QUANTIZE, "mxfp6_e3m2", "ocp-mx-1.0")) {
                @Override
                public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
                    QuantizeResult q = super.quantize(r);
                    if (r.elementLayout() != ElementLayout.FP6_4IN3) {
                        return q;
                    }
                    int[] codes = ElementPacking.unpack(ElementLayout.FP6_4IN3, r.format().element(), q.elements());
                    return new QuantizeResult(q.scales(), msbFirst(codes), q.tensorScaleBits());
                }
            };
            case "e8m0-ff-inf" -> new Broken(bug, claims(Operation.DECODE, "e8m0", Capability.NO_PROFILE)) {
                @Override
                public byte[] decode(DecodeRequest r) throws TargetException {
                    byte[] out = super.decode(r);
                    for (int i = 0; i < r.codes().length; i++) {
                        if ((r.codes()[i] & 0xFF) == 0xFF) {
                            LittleEndian.putInt(out, 4 * i, 0x7F800000);
                        }
                    }
                    return out;
                }
            };
            case "nan-payload" -> new Broken(bug, claims(Operation.DECODE, "fp8_e4m3", Capability.NO_PROFILE)) {
                @Override
                public byte[] decode(DecodeRequest r) throws TargetException {
                    byte[] out = super.decode(r);
                    for (int i = 0; i < r.codes().length; i++) {
                        if (Float.isNaN(Float.intBitsToFloat(LittleEndian.getInt(out, 4 * i)))) {
                            LittleEndian.putInt(out, 4 * i, 0xFFC00001);
                        }
                    }
                    return out;
                }
            };
            case "short-answer" -> new Broken(bug, claims(Operation.DECODE, "fp4_e2m1", Capability.NO_PROFILE)) {
                @Override
                public byte[] decode(DecodeRequest r) throws TargetException {
                    byte[] out = super.decode(r);
                    return java.util.Arrays.copyOf(out, out.length - 1);
                }
            };
            case "crash-and-hang" -> new Broken(bug, claims(Operation.DECODE, "fp4_e2m1", Capability.NO_PROFILE)) {
                @Override
                public byte[] decode(DecodeRequest r) throws TargetException {
                    for (byte c : r.codes()) {
                        if (c == 0x05) {
                            throw new TargetException.Crashed("segfault (signal 11) on code 0x05", null);
                        }
                        if (c == 0x06) {
                            throw new TargetException.TimedOut("no answer within 30 s on code 0x06");
                        }
                    }
                    return super.decode(r);
                }
            };
            case "scaled-only" -> new Broken(bug, c -> c.operation() == Operation.SCALED_QUANTIZE
                    && c.format().equals("int8_per_tensor") && c.profile().equals("vllm")) {
                @Override
                public CapabilityManifest manifest() {
                    return new CapabilityManifest(name(), "test", "f32 only", List.of(new Capability(Operation.SCALED_QUANTIZE,
                            "int8_per_tensor", "vllm", Set.of(SourceFormat.FP32), Set.of("unpacked"), Set.of())));
                }
            };
            case "unknown-claims" -> new Broken(bug, c -> false) {
                @Override
                public CapabilityManifest manifest() {
                    return new CapabilityManifest(name(), "test", "claims what nobody defines", List.of(
                            new Capability(Operation.ENCODE, "fp5_e9m9", "ocp", Set.of(SourceFormat.FP32), Set.of(), Set.of()),
                            new Capability(Operation.QUANTIZE, "mxfp4", "no-such-profile", Set.of(SourceFormat.FP32),
                                    Set.of("unpacked"), Set.of("row-major"))));
                }
            };
            default -> throw new IllegalArgumentException("no broken target '" + bug + "'");
        };
    }

    /** FP6 codes packed four to three bytes with the bit order reversed: code 0 in the top bits (the planted bug). */
    static byte[] msbFirst(int[] codes) {
        byte[] out = new byte[codes.length / 4 * 3];
        for (int c = 0; c < codes.length / 4; c++) {
            int word = codes[4 * c] << 18 | codes[4 * c + 1] << 12 | codes[4 * c + 2] << 6 | codes[4 * c + 3];
            out[3 * c] = (byte) word;
            out[3 * c + 1] = (byte) (word >>> 8);
            out[3 * c + 2] = (byte) (word >>> 16);
        }
        return out;
    }

    static Predicate<Capability> claims(Operation op, String format, String profile) {
        return c -> c.operation() == op && c.format().equals(format) && c.profile().equals(profile);
    }

    /** The reference with a subset of its claims; subclasses break one operation. */
    abstract static class Broken implements Target {
        final ReferenceTarget ref = new ReferenceTarget();
        private final String name;
        private final Predicate<Capability> keep;

        Broken(String bug, Predicate<Capability> keep) {
            this.name = "broken:" + bug;
            this.keep = keep;
        }

        @Override
        public String name() { return name; }

        @Override
        public CapabilityManifest manifest() {
            return new CapabilityManifest(name, "test", "the reference with one bug",
                    ReferenceTarget.referenceCapabilities().stream().filter(keep).toList());
        }

        @Override
        public byte[] encode(EncodeRequest r) throws TargetException { return ref.encode(r); }

        @Override
        public byte[] decode(DecodeRequest r) throws TargetException { return ref.decode(r); }

        @Override
        public QuantizeResult quantize(QuantizeRequest r) throws TargetException { return ref.quantize(r); }

        @Override
        public byte[] dequantize(DequantizeRequest r) throws TargetException { return ref.dequantize(r); }

        @Override
        public ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest r) throws TargetException { return ref.scaledQuantize(r); }
    }

}

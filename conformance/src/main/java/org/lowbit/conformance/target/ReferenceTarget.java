package org.lowbit.conformance.target;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.reference.scaled.ScaledCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The built-in target: the reference module's scalar codec behind the {@link Target} interface. It claims
 * every format, profile, precision and layout the reference defines. Its tests are the reference's own;
 * here it is the target that the suite is checked against and the model other targets copy.
 *
 * <p>Packed element layouts pack the whole tensor as one stream (SPEC.md §9.1), so the element count
 * must fill whole containers; scale layouts store the rows × blocksPerRow scale matrix (SPEC.md §9.4).
 */
public final class ReferenceTarget implements Target {

    static final Set<SourceFormat> PRECISIONS = EnumSet.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public CapabilityManifest manifest() {
        return new CapabilityManifest(name(), "0.1.0", "lowbit's scalar reference codec (org.lowbit.reference)",
                referenceCapabilities());
    }

    /** Everything the reference defines. */
    public static List<Capability> referenceCapabilities() {
        List<Capability> caps = new ArrayList<>();
        for (ElementFormat format : ElementFormat.values()) {
            caps.add(new Capability(Operation.DECODE, format.id(), Capability.NO_PROFILE, Set.of(), Set.of(), Set.of()));
            for (ElementProfile profile : ElementProfile.values()) {
                caps.add(new Capability(Operation.ENCODE, format.id(), profile.id(), PRECISIONS, Set.of(), Set.of()));
            }
        }
        Set<String> scaleLayouts = ids(EnumSet.allOf(ScaleLayout.class).stream().map(ScaleLayout::id));
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (!profile.supports(format)) {
                    continue;
                }
                Set<String> elementLayouts = ids(EnumSet.allOf(ElementLayout.class).stream()
                        .filter(l -> l.supports(format.element())).map(ElementLayout::id));
                caps.add(new Capability(Operation.QUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
                caps.add(new Capability(Operation.DEQUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
            }
        }
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : ScaledFormat.values()) {
                if (!profile.defines(format)) {
                    continue;
                }
                ElementFormat element = format.elementFormat(profile.knobsFor(format).rule());
                Set<String> elementLayouts = ids(EnumSet.allOf(ElementLayout.class).stream()
                        .filter(l -> l == ElementLayout.UNPACKED || (l.supports(element) && element.bits() == 4))
                        .map(ElementLayout::id));
                caps.add(new Capability(Operation.SCALED_QUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, Set.of()));
                caps.add(new Capability(Operation.SCALED_DEQUANTIZE, format.id(), profile.id(), Set.of(SourceFormat.FP32),
                        elementLayouts, Set.of()));
            }
        }
        return caps;
    }

    private static Set<String> ids(java.util.stream.Stream<String> ids) {
        return ids.collect(Collectors.toUnmodifiableSet());
    }

    // ---------------------------------------------------------------------------------------------
    // Elements

    @Override
    public byte[] encode(EncodeRequest r) {
        int n = r.count();
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int random = r.randomBits().length == 0 ? 0 : LittleEndian.getInt(r.randomBits(), 4 * i);
            int code = switch (r.source()) {
                case FP32 -> ElementCodec.encodeFloat32(LittleEndian.getInt(r.input(), 4 * i), r.format(), r.knobs(), random);
                case BF16 -> ElementCodec.encodeBFloat16(LittleEndian.getShort(r.input(), 2 * i) & 0xFFFF, r.format(), r.knobs(), random);
                case FP16 -> ElementCodec.encodeFloat16(LittleEndian.getShort(r.input(), 2 * i) & 0xFFFF, r.format(), r.knobs(), random);
                case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
            };
            out[i] = (byte) code;
        }
        return out;
    }

    @Override
    public byte[] decode(DecodeRequest r) throws TargetException {
        byte[] out = new byte[4 * r.codes().length];
        for (int i = 0; i < r.codes().length; i++) {
            int code = r.codes()[i] & 0xFF;
            if (!r.format().isValidCode(code)) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "byte %d: 0x%02X is not a %s code", i, code, r.format().id()));
            }
            LittleEndian.putInt(out, 4 * i, ElementCodec.decodeToFloat32Bits(code, r.format()));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Blocks

    @Override
    public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
        BlockQuantizer quantizer = BlockQuantizer.of(r.format(), r.knobs()).withRowLength(r.rowLength());
        if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
            quantizer = quantizer.withTensorScale(r.tensorScaleBits());
        }
        QuantizedBlocks q;
        try {
            q = switch (r.source()) {
                case FP32 -> quantizer.quantizeFloat32(LittleEndian.toInts(r.input()));
                case BF16 -> quantizer.quantizeBFloat16(shorts(r.input()));
                case FP16 -> quantizer.quantizeFloat16(shorts(r.input()));
                case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
            };
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected(rejectionCode(e), e.getMessage());
        }
        byte[] elements = packElements(r.elementLayout(), r.format().element(), q.elementCodes());
        int blocksPerRow = q.blocksPerRow();
        byte[] scales = ScalePacking.pack(r.scaleLayout(), q.scaleCodes(), r.rows(), blocksPerRow);
        OptionalInt g = r.tensorScaleMode() == TensorScaleMode.COMPUTED ? q.tensorScaleBits() : OptionalInt.empty();
        return new QuantizeResult(scales, elements, g);
    }

    @Override
    public byte[] dequantize(DequantizeRequest r) throws TargetException {
        int blocksPerRow = Math.ceilDiv(r.rowLength(), r.format().blockSize());
        QuantizedBlocks q;
        try {
            byte[] scales = ScalePacking.unpack(r.scaleLayout(), r.scales(), r.rows(), blocksPerRow);
            int[] codes = ElementPacking.unpack(r.elementLayout(), r.format().element(), r.elements());
            if (codes.length != r.count()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%d element codes in %d bytes of %s for %d elements", codes.length, r.elements().length,
                        r.elementLayout().id(), r.count()));
            }
            byte[] codeBytes = new byte[codes.length];
            for (int i = 0; i < codes.length; i++) {
                codeBytes[i] = (byte) codes[i];
            }
            q = new QuantizedBlocks(r.format(), r.rows(), r.rowLength(), scales, codeBytes, r.tensorScaleBits());
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        return switch (r.output()) {
            case FP32 -> LittleEndian.toBytes(BlockDequantizer.toFloat32(q));
            case BF16 -> bytes(BlockDequantizer.toBFloat16(q));
            case FP16 -> bytes(BlockDequantizer.toFloat16(q));
            case FP64 -> throw new TargetException.NotSupported("f64 output");
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Scaled formats

    @Override
    public ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest r) throws TargetException {
        int[] input = switch (r.source()) {
            case FP32 -> LittleEndian.toInts(r.input());
            case BF16, FP16 -> {
                short[] s = shorts(r.input());
                int[] bits = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    bits[i] = s[i] & 0xFFFF;
                }
                yield bits;
            }
            case FP64 -> throw new TargetException.NotSupported("f64 input");
        };
        QuantizedTensor t;
        try {
            t = ScaledCodec.quantize(input, r.source(), r.rows(), r.cols(), r.format(), r.knobs());
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected(rejectionCode(e), e.getMessage());
        }
        int[] codes = t.codes();
        byte[] codeBytes = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            codeBytes[i] = (byte) codes[i];
        }
        byte[] packed = packElements(r.elementLayout(), t.elementFormat(), codeBytes);
        Precision dtype = r.knobs().scaleDtype();
        byte[] zeros = switch (r.knobs().zeroPoint()) {
            case INTEGER -> {
                byte[] z = new byte[t.zeros().length];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (byte) t.zeros()[i];
                }
                yield z;
            }
            case FLOAT, MIN -> scaleBytes(t.zeros(), dtype);
            case NONE, IMPLICIT -> new byte[0];
        };
        return new ScaledQuantizeResult(packed, scaleBytes(t.scales(), dtype), zeros);
    }

    @Override
    public byte[] scaledDequantize(ScaledDequantizeRequest r) throws TargetException {
        ScaledKnobs knobs = r.knobs();
        ElementFormat element = r.format().elementFormat(knobs.rule());
        Precision dtype = knobs.scaleDtype();
        try {
            int[] codes = ElementPacking.unpack(r.elementLayout(), element, r.codes());
            int[] scales = scaleWords(r.scales(), dtype);
            int[] zeros = knobs.zeroPoint() == ZeroPoint.INTEGER ? unsignedBytes(r.zeros())
                          : knobs.zeroPoint() == ZeroPoint.FLOAT || knobs.zeroPoint() == ZeroPoint.MIN
                            ? scaleWords(r.zeros(), dtype) : new int[0];
            QuantizedTensor t = new QuantizedTensor(r.format(), knobs, r.rows(), r.cols(), r.format().blockRows(r.rows()),
                    r.format().blockCols(r.cols(), knobs.groupSize()), codes, scales, zeros);
            Precision output = switch (r.output()) {
                case FP32 -> Precision.FP32;
                case BF16 -> Precision.BF16;
                case FP16 -> Precision.FP16;
                case FP64 -> throw new TargetException.NotSupported("f64 output");
            };
            int[] bits = ScaledCodec.dequantize(t, output);
            if (output == Precision.FP32) {
                return LittleEndian.toBytes(bits);
            }
            byte[] out = new byte[2 * bits.length];
            for (int i = 0; i < bits.length; i++) {
                LittleEndian.putShort(out, 2 * i, (short) bits[i]);
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** {@code RAGGED_TAIL} for a shape that is not whole blocks, {@code ZERO_TENSOR_SCALE}, else {@code OUT_OF_RANGE}. */
    static String rejectionCode(IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("whole number of") || m.contains("tail")) {
            return "RAGGED_TAIL";
        }
        if (m.contains("tensor scale") && (m.contains("zero") || m.contains(" is 0 "))) {  // "… amax/2688 is 0 (…)"
            return "ZERO_TENSOR_SCALE";
        }
        return "OUT_OF_RANGE";
    }

    /**
     * The codes (one per byte) stored in {@code layout}, the whole tensor as one stream (SPEC.md §9.1): the
     * codes themselves for {@code unpacked}; otherwise the count must fill whole containers. Other Java targets
     * store their codes with it too.
     *
     * @throws TargetException.Rejected {@code OUT_OF_RANGE} when the count does not fill whole containers
     */
    public static byte[] packElements(ElementLayout layout, ElementFormat element, byte[] codes) throws TargetException {
        if (layout == ElementLayout.UNPACKED) {
            return codes;
        }
        if (codes.length % layout.codesPerContainer() != 0) {
            throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                    "%d codes do not fill whole %s containers of %d codes", codes.length, layout.id(),
                    layout.codesPerContainer()));
        }
        return ElementPacking.pack(layout, element, codes);
    }

    private static short[] shorts(byte[] bytes) {
        short[] s = new short[bytes.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = LittleEndian.getShort(bytes, 2 * i);
        }
        return s;
    }

    private static byte[] bytes(short[] values) {
        byte[] out = new byte[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            LittleEndian.putShort(out, 2 * i, values[i]);
        }
        return out;
    }

    /**
     * Scale (or zero) words as the bytes of {@code dtype}, the inverse of {@link #scaleWords}: whole little-endian
     * FP32 values, or the low 16 bits of each word; other Java targets write their answers with it too.
     */
    public static byte[] scaleBytes(int[] words, Precision dtype) {
        if (dtype == Precision.FP32) {
            return LittleEndian.toBytes(words);
        }
        byte[] out = new byte[2 * words.length];
        for (int i = 0; i < words.length; i++) {
            LittleEndian.putShort(out, 2 * i, (short) words[i]);
        }
        return out;
    }

    /**
     * Scale (or zero) words of a scaled dequantize request: whole little-endian FP32 values, or 16-bit values
     * zero-extended, per {@code dtype}; other Java targets read them with it too.
     *
     * @throws IllegalArgumentException when the bytes are not whole words
     */
    public static int[] scaleWords(byte[] bytes, Precision dtype) {
        if (dtype == Precision.FP32) {
            if (bytes.length % 4 != 0) {
                throw new IllegalArgumentException(bytes.length + " scale bytes are not whole FP32 values");
            }
            return LittleEndian.toInts(bytes);
        }
        if (bytes.length % 2 != 0) {
            throw new IllegalArgumentException(bytes.length + " scale bytes are not whole 16-bit values");
        }
        int[] out = new int[bytes.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = LittleEndian.getShort(bytes, 2 * i) & 0xFFFF;
        }
        return out;
    }

    /** Each byte zero-extended (integer zero points, unpacked codes). */
    public static int[] unsignedBytes(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }
}

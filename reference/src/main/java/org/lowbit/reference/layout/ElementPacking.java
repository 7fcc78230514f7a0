package org.lowbit.reference.layout;

import java.util.Locale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;

/**
 * Element codes in logical order to the bytes of an {@link ElementLayout}, and back
 * (SPEC.md §9.1).
 *
 * <p>Bit pictures, most significant bit first; e<sub>i</sub> is the code of element i, p a pad bit:
 * <pre>
 *   unpacked           byte i = p..p e_i                  fp6: pp eeeeee; fp8: eeeeeeee
 *   nibble-low-first   byte i = e_{2i+1}[3:0] e_{2i}[3:0]  codes 7, 2, 0, D  -&gt; 27 D0
 *   nibble-high-first  byte i = e_{2i}[3:0] e_{2i+1}[3:0]  codes 1, 2, ..., 8 -&gt; 12 34 56 78
 *   fp6-4in3           byte 3g   = e_{4g+1}[1:0] e_{4g}[5:0]
 *                      byte 3g+1 = e_{4g+2}[3:0] e_{4g+1}[5:2]
 *                      byte 3g+2 = e_{4g+3}[5:0] e_{4g+2}[5:4]
 *   f8f6f4-container   fp8: eeeeeeee;  fp6: pp eeeeee;  fp4: pp eeee pp
 * </pre>
 * fp6-4in3 is the LSB-first bit stream in which code i occupies stream bits 6i … 6i+5 and stream bit
 * b is bit b % 8 of byte b / 8 — lowbit's definition: the research found no source for the bit order of
 * CUDA TMA's packed FP6 ({@code 16U6_ALIGN16B}).
 *
 * <p>{@code pack} and {@code unpack} need a whole number of containers (an even count for the nibble
 * layouts, a multiple of 4 for fp6-4in3); {@code packPadded} fills the last container with zero codes
 * and {@code unpackPadded} reads such a stream back, checking the padding under {@link PadPolicy#STRICT}.
 * Codes are checked against the format ({@link ElementFormat#isValidCode}): a code of 16 for a 4-bit
 * format, 64 for a 6-bit one, or 0x80 for ue4m3 is an error. On an exception the destination is left
 * unchanged.
 *
 * @apiNote Sources: mx-semantics.md §3.4 (torchao), §5.1 (PTX {@code cvt} packing), §5.3 (f8f6f4
 *     container), §6.1 (Triton), §7 rows D16-D18; int-packing.md §7 (PyTorch), §9.
 */
public final class ElementPacking {
    private ElementPacking() {}

    // ---------------------------------------------------------------------------------------------
    // Sizes

    /**
     * Bytes that {@code count} codes take.
     *
     * @throws IllegalArgumentException if {@code count} is negative or not a whole number of containers
     */
    public static int packedSize(ElementLayout layout, int count) {
        Checks.dimension("count", count);
        requireWholeContainers(layout, count);
        return Checks.size("packed size", (long) count / layout.codesPerContainer() * layout.bytesPerContainer());
    }

    /** Bytes that {@code count} codes take when the last container is padded with zero codes. */
    public static int paddedSize(ElementLayout layout, int count) {
        Checks.dimension("count", count);
        long containers = ((long) count + layout.codesPerContainer() - 1) / layout.codesPerContainer();
        return Checks.size("packed size", containers * layout.bytesPerContainer());
    }

    // ---------------------------------------------------------------------------------------------
    // Packing

    /**
     * All codes, packed.
     *
     * @throws IllegalArgumentException if the layout cannot hold the format, a code is out of range,
     *     or the count is not a whole number of containers
     */
    public static byte[] pack(ElementLayout layout, ElementFormat format, int[] codes) {
        byte[] out = new byte[packedSize(layout, codes.length)];
        pack(layout, format, codes, 0, codes.length, out, 0);
        return out;
    }

    /**
     * {@code count} codes from {@code codes[offset]} into {@code packedSize(layout, count)} bytes at
     * {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException as {@link #pack(ElementLayout, ElementFormat, int[])}
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void pack(ElementLayout layout, ElementFormat format, int[] codes, int offset, int count,
                            byte[] dst, int dstOffset) {
        Checks.range(codes.length, offset, count);
        packCodes(layout, format, new IntCodes(codes), offset, count, false, dst, dstOffset);
    }

    /** All codes given as bytes (each byte one code, read unsigned), packed. */
    public static byte[] pack(ElementLayout layout, ElementFormat format, byte[] codes) {
        byte[] out = new byte[packedSize(layout, codes.length)];
        pack(layout, format, codes, 0, codes.length, out, 0);
        return out;
    }

    /** As {@link #pack(ElementLayout, ElementFormat, int[], int, int, byte[], int)}, codes given as bytes. */
    public static void pack(ElementLayout layout, ElementFormat format, byte[] codes, int offset, int count,
                            byte[] dst, int dstOffset) {
        Checks.range(codes.length, offset, count);
        packCodes(layout, format, new ByteCodes(codes), offset, count, false, dst, dstOffset);
    }

    /** All codes, packed, the last container filled with zero codes ({@link #paddedSize} bytes). */
    public static byte[] packPadded(ElementLayout layout, ElementFormat format, int[] codes) {
        byte[] out = new byte[paddedSize(layout, codes.length)];
        packPadded(layout, format, codes, 0, codes.length, out, 0);
        return out;
    }

    /** {@code count} codes into {@code paddedSize(layout, count)} bytes; any count is allowed. */
    public static void packPadded(ElementLayout layout, ElementFormat format, int[] codes, int offset, int count,
                                  byte[] dst, int dstOffset) {
        Checks.range(codes.length, offset, count);
        packCodes(layout, format, new IntCodes(codes), offset, count, true, dst, dstOffset);
    }

    // ---------------------------------------------------------------------------------------------
    // Unpacking

    /** Every code of a packed stream, under {@link PadPolicy#STRICT}. */
    public static int[] unpack(ElementLayout layout, ElementFormat format, byte[] packed) {
        return unpack(layout, format, packed, PadPolicy.STRICT);
    }

    /**
     * Every code of a packed stream whose length is a whole number of containers.
     *
     * @throws IllegalArgumentException if the layout cannot hold the format, the length is not a whole
     *     number of containers, or (STRICT) a pad bit is set or a byte is not a valid code
     */
    public static int[] unpack(ElementLayout layout, ElementFormat format, byte[] packed, PadPolicy policy) {
        if (packed.length % layout.bytesPerContainer() != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d bytes are not a whole number of %s containers (%d bytes each)", packed.length, layout,
                    layout.bytesPerContainer()));
        }
        int count = Checks.size("code count",
                (long) packed.length / layout.bytesPerContainer() * layout.codesPerContainer());
        int[] out = new int[count];
        unpack(layout, format, packed, 0, count, out, 0, policy);
        return out;
    }

    /**
     * {@code count} codes (a whole number of containers) from the bytes at {@code src[srcOffset]}.
     *
     * @throws IllegalArgumentException as {@link #unpack(ElementLayout, ElementFormat, byte[], PadPolicy)}
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void unpack(ElementLayout layout, ElementFormat format, byte[] src, int srcOffset, int count,
                              int[] dst, int dstOffset, PadPolicy policy) {
        Checks.range(dst.length, dstOffset, Checks.dimension("count", count));
        unpackCodes(layout, format, src, srcOffset, count, false, new IntCodes(dst), dstOffset, policy);
    }

    /** As {@link #unpack(ElementLayout, ElementFormat, byte[], int, int, int[], int, PadPolicy)}, into bytes. */
    public static void unpack(ElementLayout layout, ElementFormat format, byte[] src, int srcOffset, int count,
                              byte[] dst, int dstOffset, PadPolicy policy) {
        Checks.range(dst.length, dstOffset, Checks.dimension("count", count));
        unpackCodes(layout, format, src, srcOffset, count, false, new ByteCodes(dst), dstOffset, policy);
    }

    /** The first {@code count} codes of a padded stream of {@code paddedSize(layout, count)} bytes. */
    public static int[] unpackPadded(ElementLayout layout, ElementFormat format, byte[] packed, int count,
                                     PadPolicy policy) {
        Checks.length("packed", packed.length, paddedSize(layout, count), "paddedSize(" + layout + ", " + count + ")");
        int[] out = new int[count];
        unpackPadded(layout, format, packed, 0, count, out, 0, policy);
        return out;
    }

    /**
     * {@code count} codes, any count, from {@code paddedSize(layout, count)} bytes; under STRICT the
     * codes that pad the last container must be zero.
     */
    public static void unpackPadded(ElementLayout layout, ElementFormat format, byte[] src, int srcOffset, int count,
                                    int[] dst, int dstOffset, PadPolicy policy) {
        Checks.range(dst.length, dstOffset, Checks.dimension("count", count));
        unpackCodes(layout, format, src, srcOffset, count, true, new IntCodes(dst), dstOffset, policy);
    }

    // ---------------------------------------------------------------------------------------------
    // The one implementation behind the overloads

    /** Codes held in an int[] or a byte[] (read unsigned); one adapter per call, none per element. */
    private interface Codes {
        int get(int i);

        void set(int i, int code);
    }

    private record IntCodes(int[] a) implements Codes {
        public int get(int i) { return a[i]; }

        public void set(int i, int code) { a[i] = code; }
    }

    private record ByteCodes(byte[] a) implements Codes {
        public int get(int i) { return a[i] & 0xFF; }

        public void set(int i, int code) { a[i] = (byte) code; }
    }

    private static void requireSupport(ElementLayout layout, ElementFormat format) {
        if (!layout.supports(format)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "layout %s cannot hold %s codes (%d bits)%s",
                    layout, format, format.bits(), switch (layout) {
                        case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> "; it holds 4-bit codes";
                        case FP6_4IN3 -> "; it holds 6-bit codes";
                        case F8F6F4_CONTAINER -> "; it holds fp8_e4m3, fp8_e5m2, fp6_e3m2, fp6_e2m3 and fp4_e2m1";
                        case UNPACKED -> "";
                    }));
        }
    }

    private static void requireWholeContainers(ElementLayout layout, int count) {
        if (count % layout.codesPerContainer() != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d codes are not a whole number of %s containers (%d codes in %d bytes); use packPadded to pad",
                    count, layout, layout.codesPerContainer(), layout.bytesPerContainer()));
        }
    }

    private static void packCodes(ElementLayout layout, ElementFormat format, Codes codes, int offset, int count,
                                  boolean padded, byte[] dst, int dstOffset) {
        requireSupport(layout, format);
        int bytes = padded ? paddedSize(layout, count) : packedSize(layout, count);
        Checks.range(dst.length, dstOffset, bytes);
        for (int i = 0; i < count; i++) {
            int code = codes.get(offset + i);
            if (!format.isValidCode(code)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "code %d (0x%X) at index %d is out of range for %s (valid codes 0x0..0x%X)",
                        code, code, i, format, format.codeCount() - 1));
            }
        }
        switch (layout) {
            case UNPACKED, F8F6F4_CONTAINER -> {
                int shift = layout.fieldShift(format);
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = (byte) (codes.get(offset + i) << shift);
                }
            }
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> {
                int firstShift = layout == ElementLayout.NIBBLE_LOW_FIRST ? 0 : 4;
                for (int j = 0; j < bytes; j++) {
                    int first = codes.get(offset + 2 * j);
                    int second = 2 * j + 1 < count ? codes.get(offset + 2 * j + 1) : 0;
                    dst[dstOffset + j] = (byte) (first << firstShift | second << (4 - firstShift));
                }
            }
            case FP6_4IN3 -> {
                for (int g = 0; g < bytes / 3; g++) {
                    int base = offset + 4 * g;
                    int c0 = codes.get(base);
                    int c1 = 4 * g + 1 < count ? codes.get(base + 1) : 0;
                    int c2 = 4 * g + 2 < count ? codes.get(base + 2) : 0;
                    int c3 = 4 * g + 3 < count ? codes.get(base + 3) : 0;
                    int stream = c0 | c1 << 6 | c2 << 12 | c3 << 18; // 24 stream bits, bit b of byte b / 8
                    dst[dstOffset + 3 * g] = (byte) stream;
                    dst[dstOffset + 3 * g + 1] = (byte) (stream >>> 8);
                    dst[dstOffset + 3 * g + 2] = (byte) (stream >>> 16);
                }
            }
        }
    }

    private static void unpackCodes(ElementLayout layout, ElementFormat format, byte[] src, int srcOffset, int count,
                                    boolean padded, Codes dst, int dstOffset, PadPolicy policy) {
        requireSupport(layout, format);
        int bytes = padded ? paddedSize(layout, count) : packedSize(layout, count);
        Checks.range(src.length, srcOffset, bytes);
        if (policy == PadPolicy.STRICT) {
            checkPads(layout, format, src, srcOffset, count, bytes);
        }
        switch (layout) {
            case UNPACKED, F8F6F4_CONTAINER -> {
                int shift = layout.fieldShift(format);
                int mask = format.codeCount() - 1;
                for (int i = 0; i < count; i++) {
                    dst.set(dstOffset + i, (src[srcOffset + i] & 0xFF) >>> shift & mask);
                }
            }
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> {
                int firstShift = layout == ElementLayout.NIBBLE_LOW_FIRST ? 0 : 4;
                for (int i = 0; i < count; i++) {
                    int b = src[srcOffset + i / 2] & 0xFF;
                    int shift = (i & 1) == 0 ? firstShift : 4 - firstShift;
                    dst.set(dstOffset + i, b >>> shift & 0xF);
                }
            }
            case FP6_4IN3 -> {
                for (int i = 0; i < count; i++) {
                    int g = srcOffset + 3 * (i / 4);
                    int stream = (src[g] & 0xFF) | (src[g + 1] & 0xFF) << 8 | (src[g + 2] & 0xFF) << 16;
                    dst.set(dstOffset + i, stream >>> (6 * (i % 4)) & 0x3F);
                }
            }
        }
    }

    /** Under STRICT: every pad bit of the bytes read must be zero, and every byte a valid code. */
    private static void checkPads(ElementLayout layout, ElementFormat format, byte[] src, int srcOffset, int count,
                                  int bytes) {
        switch (layout) {
            case UNPACKED, F8F6F4_CONTAINER -> {
                int shift = layout.fieldShift(format);
                int fieldMask = (format.codeCount() - 1) << shift;
                for (int i = 0; i < count; i++) {
                    int b = src[srcOffset + i] & 0xFF;
                    if ((b & ~fieldMask) != 0) {
                        throw Checks.pad("byte", i, b, String.format(Locale.ROOT, "%s in %s uses mask 0x%02X",
                                format, layout, fieldMask));
                    }
                }
            }
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> {
                if (count % 2 != 0) {
                    int b = src[srcOffset + bytes - 1] & 0xFF;
                    int padMask = layout == ElementLayout.NIBBLE_LOW_FIRST ? 0xF0 : 0x0F;
                    if ((b & padMask) != 0) {
                        throw Checks.pad("byte", bytes - 1, b, "the nibble after the last of an odd count pads the byte");
                    }
                }
            }
            case FP6_4IN3 -> {
                if (count % 4 != 0) {
                    int g = srcOffset + bytes - 3;
                    int stream = (src[g] & 0xFF) | (src[g + 1] & 0xFF) << 8 | (src[g + 2] & 0xFF) << 16;
                    int used = 6 * (count % 4);
                    if (stream >>> used != 0) {
                        throw Checks.pad("container", bytes / 3 - 1, stream,
                                "the codes after the last one pad the final 3 bytes");
                    }
                }
            }
        }
    }
}

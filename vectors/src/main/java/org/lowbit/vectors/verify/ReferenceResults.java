package org.lowbit.vectors.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.DecodeGroup;
import org.lowbit.vectors.DecodeTest;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.PackGroup;
import org.lowbit.vectors.PackTest;
import org.lowbit.vectors.ScalePackGroup;
import org.lowbit.vectors.WeightPackGroup;
import org.lowbit.vectors.ScaledQuantizeGroup;
import org.lowbit.vectors.ScaledQuantizeTest;
import org.lowbit.vectors.generate.ScaledQuantizeVectors;
import org.lowbit.vectors.WeightPackTest;
import org.lowbit.vectors.generate.WeightPackReference;
import org.lowbit.vectors.ScalePackTest;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.TensorScaleMode;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TestGroup;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.VectorSets;

/**
 * Writes the results files (FORMAT.md §8) that the lowbit reference produces for a vector set, by running
 * the reference on every test's inputs (never by copying the expected values): an implementation under test
 * in its own right, so that {@link Verifier} can be tested end to end and bugs can be planted in its output.
 */
public final class ReferenceResults {
    private ReferenceResults() {}

    /**
     * Writes {@code out/P.results} for every {@code P.json} of the set in {@code vectors}.
     *
     * @return the number of results files written
     */
    public static int write(Path vectors, Path out) throws VectorFormatException, IOException {
        int n = 0;
        for (Map.Entry<String, VectorFile> e : VectorSets.read(vectors).entrySet()) {
            Path target = out.resolve(Verifier.resultsPath(e.getKey()));
            Files.createDirectories(target.getParent());
            Files.writeString(target, results(e.getKey(), e.getValue()), StandardCharsets.US_ASCII);
            n++;
        }
        return n;
    }

    /** The results file of one vector file. */
    public static String results(String path, VectorFile file) {
        StringBuilder s = new StringBuilder("# lowbit reference results for ").append(path).append('\n');
        for (TestGroup g : file.testGroups()) {
            for (TestCase t : g.tests()) {
                s.append(t.tcId()).append(' ').append(actual(g, t)).append('\n');
            }
        }
        return s.toString();
    }

    /** What the reference outputs for one test, in the results syntax. */
    static String actual(TestGroup group, TestCase test) {
        return switch (group) {
            case DecodeGroup g -> {
                int code = HexBytes.parse(((DecodeTest) test).code())[0] & 0xFF;
                yield HexBytes.f32(ElementCodec.decodeToFloat32Bits(code, g.format()));
            }
            case EncodeGroup g -> {
                EncodeTest t = (EncodeTest) test;
                int input = HexBytes.words(t.input(), g.source().bytes())[0];
                int random = t.randomBits().map(r -> HexBytes.words(r, 4)[0]).orElse(0);
                yield HexBytes.code(encode(g.source(), input, g.format(), g.knobs(), random));
            }
            case QuantizeGroup g -> quantize(g, (QuantizeTest) test);
            case PackGroup g -> {
                byte[] codes = HexBytes.parse(((PackTest) test).codes());
                yield HexBytes.of(ElementPacking.pack(g.layout(), g.format(), codes));
            }
            case ScaledQuantizeGroup g -> {
                ScaledQuantizeTest t = (ScaledQuantizeTest) test;
                int[] input = HexBytes.words(t.input(), 4);
                yield ScaledQuantizeVectors.reference(g.format(), g.knobs(), g.rows(), g.cols(), input)
                        .map(o -> o[0] + "/" + o[1] + "/" + (o[2].isEmpty() ? "-" : o[2]) + "/" + o[3])
                        .orElse("error:REJECTED");
            }
            case WeightPackGroup g -> {
                WeightPackTest t = (WeightPackTest) test;
                String[] packed = WeightPackReference.pack(g, t.codes(), t.zeros(), t.blockFields());
                yield packed[0] + "/" + WeightPackTest.dash(packed[1]);
            }
            case ScalePackGroup g -> {
                byte[] scales = HexBytes.parse(((ScalePackTest) test).scales());
                byte[] stored = new byte[ScalePacking.storedSize(g.layout(), g.rows(), g.cols())];
                ScalePacking.pack(g.layout(), scales, 0, g.rows(), g.cols(), stored, 0, (byte) g.padByte());
                yield HexBytes.of(stored);
            }
        };
    }

    private static int encode(SourceFormat source, int bits, ElementFormat format, ElementKnobs knobs, int random) {
        return switch (source) {
            case FP32 -> ElementCodec.encodeFloat32(bits, format, knobs, random);
            case BF16 -> ElementCodec.encodeBFloat16(bits, format, knobs, random);
            case FP16 -> ElementCodec.encodeFloat16(bits, format, knobs, random);
            case FP64 -> throw new IllegalArgumentException("f64 is not a vector source");
        };
    }

    private static String quantize(QuantizeGroup g, QuantizeTest t) {
        BlockQuantizer q = BlockQuantizer.of(g.format(), g.knobs()).withRowLength(g.rowLength());
        OptionalInt given = t.tensorScale().isPresent() ? OptionalInt.of(HexBytes.words(t.tensorScale().get(), 4)[0])
                                                        : OptionalInt.empty();
        QuantizedBlocks blocks;
        try {
            if (given.isPresent()) {
                q = q.withTensorScale(given.getAsInt());
            }
            int width = g.source().bytes();
            int[] words = HexBytes.words(t.input(), width);
            blocks = switch (g.source()) {
                case FP32 -> q.quantizeFloat32(words);
                case BF16, FP16 -> {
                    short[] half = new short[words.length];
                    for (int i = 0; i < words.length; i++) {
                        half[i] = (short) words[i];
                    }
                    yield g.source() == SourceFormat.BF16 ? q.quantizeBFloat16(half) : q.quantizeFloat16(half);
                }
                case FP64 -> throw new IllegalArgumentException("f64 is not a vector source");
            };
        } catch (IllegalArgumentException rejected) {
            return "error:REJECTED";
        }
        String out = HexBytes.of(blocks.scaleCodes()) + "/" + HexBytes.of(blocks.elementCodes()) + "/"
                     + HexBytes.f32s(BlockDequantizer.toFloat32(blocks));
        if (g.tensorScale() == TensorScaleMode.COMPUTED) {
            out += "/" + HexBytes.f32(blocks.tensorScaleBits().getAsInt());
        }
        return out;
    }
}

package org.lowbit.harness.process;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.vectors.VectorJsonWriter;

/**
 * The request fields of PROTOCOL.md §4 that are written the way the golden vectors write them
 * (vectors/FORMAT.md §5), and the lengths an answer's segments must have.
 */
final class ProtocolJson {
    private ProtocolJson() {}

    /** The eight element knobs by name (FORMAT.md §5, encode). */
    static ObjectNode elementKnobs(ElementKnobs k) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("rounding", k.rounding().name()).put("overflow", k.overflow().name()).put("infinity", k.infinity().name())
                .put("nan", k.nan().name()).put("negative", k.negative().name()).put("e8m0Zero", k.e8m0Zero().name())
                .put("e8m0Bottom", k.e8m0Bottom().name()).put("integerRange", k.integerRange().name());
        return n;
    }

    /** The ten block knobs by name (FORMAT.md §5, quantize). */
    static ObjectNode blockKnobs(BlockKnobs k) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        n.put("scaleRule", k.scaleRule().name()).put("elementProfile", k.elementProfile().id())
                .put("elementRounding", k.elementRounding().name()).put("nonFinite", k.nonFinite().name())
                .put("zeroBlock", k.zeroBlock().name()).put("tinyAmax", k.tinyAmax().name()).put("tail", k.tail().name())
                .put("scaling", k.scaling().name()).put("scaleClamp", k.scaleClamp().name())
                .put("tensorScale", k.tensorScale().name());
        return n;
    }

    /** The fifteen scaled knobs by name, in file order (FORMAT.md §5, scaled-quantize; groupSize a number). */
    static ObjectNode scaledKnobs(ScaledKnobs k) {
        ObjectNode n = FrameCodec.JSON.createObjectNode();
        for (String[] pair : VectorJsonWriter.scaledKnobs(k)) {
            if (pair[0].equals("groupSize")) {
                n.put(pair[0], Integer.parseInt(pair[1]));
            } else {
                n.put(pair[0], pair[1]);
            }
        }
        return n;
    }

    /** Bytes of {@code count} codes stored in {@code layout} (whole containers, SPEC.md §9.1). */
    static long elementBytes(ElementLayout layout, long count) {
        return Math.ceilDiv(count, layout.codesPerContainer()) * layout.bytesPerContainer();
    }

    /** Bytes of a rows × cols scale matrix stored in {@code layout}, padding included (SPEC.md §9.4). */
    static long scaleBytes(ScaleLayout layout, int rows, int cols) {
        return (long) Math.ceilDiv(rows, layout.tileRows()) * layout.tileRows()
               * ((long) Math.ceilDiv(cols, layout.tileCols()) * layout.tileCols());
    }

    /** The block grid of a scaled-format tensor and the bytes of its scales and zeros (FORMAT.md §5). */
    record ScaledShape(ScaledFormat format, int blockRows, int blockCols, long blocks, int scaleDtypeBytes, int zeroBytesEach) {
        long scaleBytes() { return blocks * scaleDtypeBytes; }

        long zeroBytes() { return blocks * zeroBytesEach; }

        /** Adds knobs, elementFormat, zeroPoint, blockRows and blockCols to a request header. */
        void describe(ObjectNode h, ScaledKnobs knobs) {
            h.set("knobs", scaledKnobs(knobs));
            h.put("elementFormat", format.elementFormat(knobs.rule()).id()).put("zeroPoint", knobs.zeroPoint().name())
                    .put("blockRows", blockRows).put("blockCols", blockCols);
        }
    }

    static ScaledShape scaledShape(ScaledFormat format, ScaledKnobs knobs, int rows, int cols) {
        int br = format.blockRows(rows);
        int bc = format.blockCols(cols, knobs.groupSize());
        long blocks = (long) Math.ceilDiv(rows, br) * Math.ceilDiv(cols, bc);
        int scaleBytes = knobs.scaleDtype() == Precision.FP32 ? 4 : 2;
        int zeroBytes = switch (knobs.zeroPoint()) {
            case NONE, IMPLICIT -> 0;
            case INTEGER -> 1;
            case FLOAT, MIN -> scaleBytes;
        };
        return new ScaledShape(format, br, bc, blocks, scaleBytes, zeroBytes);
    }
}

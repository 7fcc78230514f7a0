package org.lowbit.harness.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The cuda target's scaled formats: its claims against the reference target's, the host's parameter
 * arrays against the structs in scaled.cuh, and, where a GPU is present, the kernels against the
 * reference on worked tensors (CudaScaledCheck does the large random comparison from the bundle).
 */
class CudaScaledTest {

    private static final Path SCALED_CUH = Path.of("src/main/cuda/scaled.cuh");

    /** The cuda target claims every (format, profile) pair the reference defines, with the same layouts. */
    @Test
    void claimsEveryScaledPairTheReferenceDefines() {
        Map<String, Capability> cuda = scaledClaims(CudaTarget.capabilities());
        Map<String, Capability> reference = scaledClaims(ReferenceTarget.referenceCapabilities());
        assertEquals(reference.keySet(), cuda.keySet());
        for (var e : reference.entrySet()) {
            Capability c = cuda.get(e.getKey());
            assertEquals(e.getValue().elementLayouts(), c.elementLayouts(), e.getKey());
            assertEquals(CudaTarget.PRECISIONS, c.precisions(), e.getKey());
        }
    }

    private static Map<String, Capability> scaledClaims(Iterable<Capability> caps) {
        Map<String, Capability> out = new TreeMap<>();
        for (Capability c : caps) {
            if (c.operation() == Operation.SCALED_QUANTIZE || c.operation() == Operation.SCALED_DEQUANTIZE) {
                out.put(c.operation() + " " + c.format() + " " + c.profile(), c);
            }
        }
        return out;
    }

    /** quantizeParams fills struct Scaled field for field: a field added on one side only fails here. */
    @Test
    void quantizeParamsHaveOneIntPerFieldOfTheScaledStruct() throws IOException {
        ScaledFormat f = ScaledFormat.INT8_BLOCK_1X128;
        int[] params = CudaScaledOps.quantizeParams(f, ScaledProfile.VLLM.knobsFor(f), 1, 128, 1, 128, 1, 1, false);
        assertEquals(structFields("Scaled"), params.length);
        assertEquals(10, structFields("ScaledDeq"), "CudaScaledOps.dequantize passes 10 ints");
    }

    private static int structFields(String name) throws IOException {
        String source = Files.readString(SCALED_CUH, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("struct " + name + " \\{(.*?)\\};", Pattern.DOTALL).matcher(source);
        assertTrue(m.find(), "struct " + name + " in scaled.cuh");
        String body = m.group(1).replaceAll("//[^\n]*", "");
        int fields = 0;
        for (String declaration : body.split(";")) {
            if (!declaration.isBlank()) {
                fields += declaration.split(",").length;
            }
        }
        return fields;
    }

    /**
     * On a GPU: vLLM per-token int8 of a worked row (SPEC.md §11.2: scale absmax/127, codes x·(127/absmax)
     * RNE) and GPTQ's nibbles, each equal to the reference target's answer byte for byte.
     */
    @Test
    void onAGpuTheKernelsGiveTheReferenceBytes() throws Exception {
        CudaTargetProvider provider = new CudaTargetProvider();
        Assumptions.assumeTrue(provider.available(), () -> "no GPU: " + provider.unavailableReason());
        try (Target cuda = provider.open(""); Target reference = new ReferenceTarget()) {
            float[] row = {0.5f, -1.27f, 0.0f, 2.54f, -2.54f, 1.0f, -0.0f, 0.01f};
            byte[] input = new byte[4 * row.length];
            for (int i = 0; i < row.length; i++) {
                LittleEndian.putInt(input, 4 * i, Float.floatToRawIntBits(row[i]));
            }
            ScaledFormat f = ScaledFormat.INT8_PER_TOKEN;
            ScaledQuantizeRequest q = new ScaledQuantizeRequest(f, ScaledProfile.VLLM, ScaledProfile.VLLM.knobsFor(f),
                    SourceFormat.FP32, 1, row.length, input, ElementLayout.UNPACKED);
            ScaledQuantizeResult want = reference.scaledQuantize(q);
            ScaledQuantizeResult got = cuda.scaledQuantize(q);
            assertEquals(LittleEndian.getInt(want.scales(), 0), LittleEndian.getInt(got.scales(), 0));
            assertEquals(java.util.HexFormat.of().formatHex(want.codes()), java.util.HexFormat.of().formatHex(got.codes()));
            ScaledDequantizeRequest d = new ScaledDequantizeRequest(f, ScaledProfile.VLLM, q.knobs(), SourceFormat.BF16, 1,
                    row.length, want.codes(), want.scales(), want.zeros(), ElementLayout.UNPACKED);
            assertEquals(java.util.HexFormat.of().formatHex(reference.scaledDequantize(d)),
                    java.util.HexFormat.of().formatHex(cuda.scaledDequantize(d)));
        }
    }
}

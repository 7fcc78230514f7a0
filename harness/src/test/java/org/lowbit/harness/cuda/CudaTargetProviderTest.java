package org.lowbit.harness.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;

/**
 * What the cuda target does on a machine without a GPU (CI), the fatbin the build made where nvcc exists,
 * and the special codes the host hands the kernels, against SPEC.md §3.1 and §5 by hand.
 */
class CudaTargetProviderTest {

    private static boolean nvccPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "nvcc"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aDriverThatDoesNotLoadIsNamedInOneLine() {
        // the shape of JCuda 12.6.0's UnsatisfiedLinkError on a machine without the NVIDIA driver
        String jcuda = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"; Operating system name: Linux;"
                       + " ---(start of nested stack traces)---; java.lang.UnsatisfiedLinkError: no JCudaDriver in java.library.path;"
                       + " at java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285); java.lang.UnsatisfiedLinkError:"
                       + " /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such"
                       + " file or directory; at jcuda.LibUtils.loadLibrary(LibUtils.java:183); ---(end of nested stack traces)---";
        assertEquals("libcuda.so.1 not found (no NVIDIA driver installed?)", CudaTargetProvider.loadFailure(jcuda));
        assertEquals("no JCudaDriver in java.library.path", CudaTargetProvider.loadFailure("no JCudaDriver in java.library.path"));
        String reason = new CudaTargetProvider().unavailableReason();
        assertFalse(reason.contains("stack trace") || reason.contains("\tat ") || reason.contains(".java:"), reason);
    }

    @Test
    void withoutAGpuTheTargetIsNotSupportedWithAReason() {
        CudaTargetProvider provider = new CudaTargetProvider();
        if (provider.available()) {
            return; // a GPU machine: CudaCheck covers it
        }
        assertFalse(provider.unavailableReason().isBlank());
        TargetException.NotSupported e = assertThrows(TargetException.NotSupported.class, () -> provider.open(""));
        assertTrue(e.getMessage().startsWith("cuda: "), e.getMessage());
    }

    @Test
    void theBuildPutsTheFatbinOnTheClassPathWhereNvccExists() {
        byte[] fatbin = CudaDevice.fatbin();
        if (!nvccPresent()) {
            return;
        }
        assertNotNull(fatbin, "nvcc is on PATH but the build made no fatbin");
        // the fatbin header magic 0xBA55ED50, little-endian
        assertEquals(0x50, fatbin[0] & 0xFF);
        assertEquals(0xED, fatbin[1] & 0xFF);
        String text = new String(fatbin, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String arch : new String[] {"sm_90a", "sm_100a", "sm_120a"}) {
            assertTrue(text.contains("-arch " + arch), "no " + arch + " image");
        }
    }

    /** Elem fields 14..23: nan, inf, zero, max, overflow codes for + and -. */
    private static int[] specials(ElementFormat f, ElementProfile p) {
        ElementKnobs k = p.knobsFor(f);
        return java.util.Arrays.copyOfRange(KernelParams.element(f, k, 0), 14, 24);
    }

    @Test
    void specialCodesFollowTheSpecTables() {
        // cuda-satfinite E4M3: NaN -> 0x7F both signs, Inf -> ±max 0x7E/0xFE, ±0, ±max, NONSAT overflow NaN
        assertEquals(java.util.List.of(0x7F, 0x7F, 0x7E, 0xFE, 0x00, 0x80, 0x7E, 0xFE, 0x7F, 0xFF),
                boxed(specials(ElementFormat.FP8_E4M3, ElementProfile.CUDA_SATFINITE)));
        // ml-dtypes E5M2: quiet NaN S.11111.10, Inf as overflow (NONSAT) -> ±Inf
        assertEquals(java.util.List.of(0x7E, 0xFE, 0x7C, 0xFC, 0x00, 0x80, 0x7B, 0xFB, 0x7C, 0xFC),
                boxed(specials(ElementFormat.FP8_E5M2, ElementProfile.ML_DTYPES)));
        // ml-dtypes FP4: +NaN -> -0 (0x8), -NaN -> +0
        assertEquals(0x8, specials(ElementFormat.FP4_E2M1, ElementProfile.ML_DTYPES)[0]);
        assertEquals(0x0, specials(ElementFormat.FP4_E2M1, ElementProfile.ML_DTYPES)[1]);
        // cuda-satfinite int8: full range, -max is -128 (0x80)
        assertEquals(0x80, specials(ElementFormat.INT8, ElementProfile.CUDA_SATFINITE)[7]);
        assertEquals(0x81, specials(ElementFormat.INT8, ElementProfile.OCP)[7]);
    }

    private static java.util.List<Integer> boxed(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}

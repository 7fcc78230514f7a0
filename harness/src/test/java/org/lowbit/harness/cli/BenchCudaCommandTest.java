package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lowbit.harness.cli.CliRun.lowbit;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lowbit.harness.bench.Gates;
import org.lowbit.harness.cuda.CudaBench;
import org.lowbit.harness.cuda.CudaTargetProvider;

/** {@code lowbit bench --target cuda} where no GPU is (CI), and its gates file against issue 7 §6. */
class BenchCudaCommandTest {

    @Test
    void withoutAGpuBenchSaysNotSupportedAndExits2() {
        if (new CudaTargetProvider().available()) {
            return; // a GPU machine: the bench runs there (NOTES.md)
        }
        lowbit("bench", "--target", "cuda").assertBadInput("target 'cuda' cannot run here (NOT_SUPPORTED)");
    }

    @Test
    void theCudaGatesAreIssue7sFourRatios() throws Exception {
        Gates gates = CudaBench.builtInGates();
        assertEquals(1, gates.version());
        // issue 7 §6: MXFP8 quantize and both dequantizes at 0.9 of the copy, NVFP4 quantize at 0.75
        assertEquals(List.of(
                new Gates.Gate("quantize bf16->mxfp8_e4m3 (ocp-mx-1.0)", 1, 0.9),
                new Gates.Gate("dequantize mxfp8_e4m3->bf16", 1, 0.9),
                new Gates.Gate("quantize bf16->nvfp4 (nvfp4-torchao)", 1, 0.75),
                new Gates.Gate("dequantize nvfp4->bf16", 1, 0.9)), gates.gates());
    }
}

package org.lowbit.harness.cuda;

/** A CUDA driver call failed: the message names the call (or kernel) and the {@code CUDA_ERROR_…} code. */
public final class CudaException extends RuntimeException {
    private final int result;

    public CudaException(String what, int result) {
        super(what + ": " + jcuda.driver.CUresult.stringFor(result) + " (" + result + ")");
        this.result = result;
    }

    /** The CUresult code. */
    public int result() { return result; }
}

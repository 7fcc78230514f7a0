package org.lowbit.harness.cuda;

import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.conformance.target.TargetProvider;

/**
 * Opens the {@code cuda} target on GPU 0. It is unavailable, with the reason, when the build had no nvcc
 * (no fatbin on the class path), when JCuda's native library or the CUDA driver cannot load, or when
 * there is no GPU.
 */
public final class CudaTargetProvider implements TargetProvider {

    private volatile String reason;

    @Override
    public String kind() {
        return "cuda";
    }

    @Override
    public String description() {
        return "lowbit.cu kernels on an NVIDIA GPU (sm_90a, sm_100a, sm_120a) through JCuda";
    }

    @Override
    public boolean available() {
        return unavailableReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        String r = reason;
        if (r == null) {
            r = probe();
            reason = r;
        }
        return r;
    }

    private static String probe() {
        if (CudaDevice.fatbin() == null) {
            return "no CUDA fatbin on the class path: the build had no nvcc";
        }
        try {
            jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            int result = jcuda.driver.JCudaDriver.cuInit(0);
            if (result != jcuda.driver.CUresult.CUDA_SUCCESS) {
                return "no usable CUDA driver: cuInit: " + jcuda.driver.CUresult.stringFor(result);
            }
            int[] count = {0};
            jcuda.driver.JCudaDriver.cuDeviceGetCount(count);
            return count[0] == 0 ? "no CUDA GPU: cuDeviceGetCount is 0" : "";
        } catch (LinkageError | RuntimeException e) {
            return "the CUDA driver or JCuda's native library could not load: " + loadFailure(String.valueOf(e.getMessage()));
        }
    }

    /**
     * The cause in JCuda's load error, whose message carries both load attempts' stack traces: the missing
     * shared object when there is one (no NVIDIA driver: libcuda.so.1), else its first clause.
     */
    static String loadFailure(String message) {
        java.util.regex.Matcher missing = java.util.regex.Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file")
                .matcher(message);
        if (missing.find()) {
            return missing.group(1) + " not found (no NVIDIA driver installed?)";
        }
        int end = message.indexOf(';');
        return end < 0 ? message : message.substring(0, end);
    }

    @Override
    public Target open(String argument) throws TargetException {
        if (!argument.isEmpty()) {
            throw new IllegalArgumentException("the cuda target takes no argument, got '" + argument + "'");
        }
        if (!available()) {
            throw new TargetException.NotSupported("cuda: " + unavailableReason());
        }
        try {
            return new CudaTarget(CudaDevice.open());
        } catch (CudaException | IllegalStateException e) {
            throw new TargetException.NotSupported("cuda: " + e.getMessage());
        }
    }
}

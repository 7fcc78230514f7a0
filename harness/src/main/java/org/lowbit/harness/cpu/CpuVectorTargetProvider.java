package org.lowbit.harness.cpu;

import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetProvider;

/**
 * Provides {@code cpu-vector}. The argument, if any, is {@code threads=N}; the backend and the vector width
 * come from the system properties of {@link CpuBackends}.
 */
public final class CpuVectorTargetProvider implements TargetProvider {
    @Override
    public String kind() { return "cpu-vector"; }

    @Override
    public String description() {
        return "MX quantize/dequantize on the Java Vector API (scalar reference fallback), multi-threaded";
    }

    @Override
    public Target open(String argument) {
        if (argument.isEmpty()) {
            return new CpuVectorTarget();
        }
        if (argument.startsWith("threads=")) {
            int threads;
            try {
                threads = Integer.parseInt(argument.substring("threads=".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cpu-vector: threads=N needs a whole number, got '" + argument + "'");
            }
            return new CpuVectorTarget(CpuBackends.kernels(), threads);
        }
        throw new IllegalArgumentException("cpu-vector takes no argument or threads=N, got '" + argument + "'");
    }
}

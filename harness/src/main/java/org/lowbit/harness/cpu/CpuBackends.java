package org.lowbit.harness.cpu;

import java.util.Locale;

/**
 * Picks the MX kernels at run time, as Lucene's VectorizationProvider does: the Vector API backend when
 * the {@code jdk.incubator.vector} module is in the boot layer and its species works here, else the scalar
 * reference with one warning line on stderr that names the flag.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code lowbit.cpu.backend=vector|scalar} forces a backend; {@code vector} throws when it is unavailable;</li>
 *   <li>{@code lowbit.cpu.species=128|256|512} picks the vector width in bits (default: the preferred species);</li>
 *   <li>{@code lowbit.cpu.threads=N} the default parallelism (default: every core).</li>
 * </ul>
 */
public final class CpuBackends {
    private CpuBackends() {}

    public static final String BACKEND_PROPERTY = "lowbit.cpu.backend";
    public static final String SPECIES_PROPERTY = "lowbit.cpu.species";
    public static final String THREADS_PROPERTY = "lowbit.cpu.threads";
    static final String VECTOR_CLASS = "org.lowbit.harness.cpu.VectorMxKernels";

    private static volatile MxKernels chosen;

    /** The kernels this JVM uses, chosen once. */
    public static MxKernels kernels() {
        MxKernels k = chosen;
        if (k == null) {
            synchronized (CpuBackends.class) {
                k = chosen;
                if (k == null) {
                    k = choose();
                    chosen = k;
                }
            }
        }
        return k;
    }

    /** The scalar reference kernels; always available. */
    public static MxKernels scalar() {
        return new ScalarMxKernels();
    }

    /** The default number of threads: {@code lowbit.cpu.threads}, else every core. */
    public static int defaultThreads() {
        String value = System.getProperty(THREADS_PROPERTY, "");
        if (value.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + "=" + value + ": must be a whole number ≥ 1");
    }

    private static MxKernels choose() {
        String forced = System.getProperty(BACKEND_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "scalar" -> {
                return scalar();
            }
            case "vector" -> {
                return vector(); // throws when unavailable
            }
            case "" -> {
                try {
                    return vector();
                } catch (IllegalStateException e) {
                    System.err.println("lowbit: warning: " + e.getMessage() + "; cpu-vector runs on the scalar reference");
                    return scalar();
                }
            }
            default -> throw new IllegalArgumentException(BACKEND_PROPERTY + "=" + forced + ": must be vector or scalar");
        }
    }

    /**
     * The Vector API kernels.
     *
     * @throws IllegalStateException naming {@code --add-modules jdk.incubator.vector} when the module is absent,
     *                               or saying why the species cannot be used
     */
    public static MxKernels vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("the Vector API is not available (start java with"
                    + " --add-modules jdk.incubator.vector)");
        }
        try {
            Class<?> type = Class.forName(VECTOR_CLASS);
            MxKernels kernels = (MxKernels) type.getDeclaredConstructor().newInstance();
            if (kernels.vectorBits() < 128) {
                throw new IllegalStateException("the Vector API's species here is " + kernels.vectorBits()
                        + " bits; the MX kernels need 128 or more");
            }
            return kernels;
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError init && init.getCause() != null ? init.getCause() : e;
            throw new IllegalStateException("the Vector API kernels could not start: " + cause.getMessage(), cause);
        }
    }
}

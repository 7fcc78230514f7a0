package org.lowbit.conformance.target;

/**
 * An implementation under test. A target declares what it does in its {@link CapabilityManifest}; the
 * suite calls exactly the operations the manifest claims, with bytes in and bytes out, so that a Java
 * kernel, a CUDA kernel behind JCuda and a program behind the process protocol look the same.
 *
 * <p>Every operation that the target does not implement throws {@link TargetException.NotSupported}.
 * A target refuses bad input with {@link TargetException.Rejected}, never with a silent result.
 * Calls come from one thread at a time unless {@link #threadSafe()} says otherwise.
 */
public interface Target extends AutoCloseable {

    /** The name in reports: {@code reference}, {@code cpu-vector}, {@code cuda}, {@code process:./my-kernel}. */
    String name();

    /** What the target claims. Asked once per run; the suite runs every claim. */
    CapabilityManifest manifest() throws TargetException;

    /** Whether the suite may call the target from several threads at once. */
    default boolean threadSafe() { return false; }

    /** Element codes, one per byte. */
    default byte[] encode(EncodeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not encode");
    }

    /** FP32 values, 4 little-endian bytes per code. */
    default byte[] decode(DecodeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not decode");
    }

    default QuantizeResult quantize(QuantizeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not quantize block formats");
    }

    /** Values of {@code request.output()}, little-endian. */
    default byte[] dequantize(DequantizeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not dequantize block formats");
    }

    default ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not quantize scaled formats");
    }

    /** Values of {@code request.output()}, little-endian. */
    default byte[] scaledDequantize(ScaledDequantizeRequest request) throws TargetException {
        throw new TargetException.NotSupported(name() + " does not dequantize scaled formats");
    }

    /** Releases what the target holds: a child process, device memory. */
    @Override
    default void close() {}
}

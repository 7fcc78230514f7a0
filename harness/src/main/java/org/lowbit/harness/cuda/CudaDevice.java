package org.lowbit.harness.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through the JCuda driver API (no runtime API, no NVRTC): a context, the lowbit fatbin loaded with
 * {@code cuModuleLoadData} from the class path, kernel launches and CUDA events. Every failing call throws a
 * {@link CudaException} that names the call or the kernel and the {@code CUDA_ERROR_…} code.
 *
 * <p>Host↔device copies go through two pinned staging buffers ({@code cuMemAllocHost}, {@link #STAGING_BYTES}
 * each, made on the first copy, reused, freed by {@link #close}): the DMA of one chunk runs while the host
 * copies the next between the Java array and the other buffer, so transfers run at PCIe speed instead of
 * through the driver's pageable path.
 */
public final class CudaDevice implements AutoCloseable {

    /** The class-path resource the build writes (harness/src/main/cuda/build-fatbin.sh). */
    public static final String FATBIN_RESOURCE = "/org/lowbit/harness/cuda/lowbit.fatbin";

    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final String name;
    private final int major;
    private final int minor;
    private final int multiprocessors;

    /** Bytes of each pinned staging buffer: large enough to amortize a copy's start, small enough to double-buffer. */
    static final int STAGING_BYTES = 16 << 20;
    /** A chunk is copied between the Java array and pinned memory in slices of this size, on several cores. */
    private static final int SLICE_BYTES = 1 << 20;
    private final Pointer[] staging = new Pointer[2];
    private final ByteBuffer[] stagingView = new ByteBuffer[2];
    private final CUevent[] stagingFree = new CUevent[2];
    private CUstream copyStream;

    private CudaDevice(int ordinal) {
        JCudaDriver.setExceptionsEnabled(false);
        check(cuInit(0), "cuInit");
        int[] count = {0};
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] <= ordinal) {
            throw new CudaException("cuDeviceGet(" + ordinal + "): " + count[0] + " devices", CUresult.CUDA_ERROR_NO_DEVICE);
        }
        CUdevice device = new CUdevice();
        check(cuDeviceGet(device, ordinal), "cuDeviceGet");
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        name = new String(nameBytes, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
        major = attribute(device, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        minor = attribute(device, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        multiprocessors = attribute(device, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        check(cuCtxCreate(context, 0, device), "cuCtxCreate");
        byte[] fatbin = fatbin();
        if (fatbin == null) {
            throw new IllegalStateException("the lowbit fatbin " + FATBIN_RESOURCE + " is not on the class path"
                                            + " (the build had no nvcc)");
        }
        check(cuModuleLoadData(module, fatbin), "cuModuleLoadData(lowbit.fatbin) on sm_" + major + minor);
    }

    /** Opens device 0. */
    public static CudaDevice open() {
        return new CudaDevice(0);
    }

    /** The fatbin bytes, or null when the build had no nvcc. */
    public static byte[] fatbin() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(FATBIN_RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = {0};
        check(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** Throws a {@link CudaException} unless {@code result} is CUDA_SUCCESS. */
    public static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(what, result);
        }
    }

    public String name() { return name; }

    /** e.g. "sm_90". */
    public String arch() { return "sm_" + major + minor; }

    public int multiprocessors() { return multiprocessors; }

    /** Makes this device's context current on the calling thread. */
    public void bind() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    public CUfunction function(String kernel) {
        return functions.computeIfAbsent(kernel, k -> {
            CUfunction f = new CUfunction();
            check(cuModuleGetFunction(f, module, k), "cuModuleGetFunction(" + k + ")");
            return f;
        });
    }

    /** Device memory of {@code bytes} bytes (at least 1). */
    public CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        check(cuMemAlloc(p, Math.max(bytes, 1)), "cuMemAlloc(" + bytes + ")");
        return p;
    }

    public void free(CUdeviceptr p) {
        if (p != null) {
            check(cuMemFree(p), "cuMemFree");
        }
    }

    /** Device memory holding {@code bytes}, copied through the pinned staging buffers. */
    public CUdeviceptr upload(byte[] bytes) {
        CUdeviceptr p = alloc(bytes.length);
        copyToDevice(p, bytes);
        return p;
    }

    /** The first {@code bytes} bytes at {@code p}, copied through the pinned staging buffers. */
    public byte[] download(CUdeviceptr p, long bytes) {
        byte[] out = new byte[Math.toIntExact(bytes)];
        copyToHost(out, p);
        return out;
    }

    /** Copies {@code src} to {@code dst}: each chunk into a free staging buffer, then its DMA on the copy stream. */
    public synchronized void copyToDevice(CUdeviceptr dst, byte[] src) {
        if (src.length == 0) {
            return;
        }
        openStaging();
        int slot = 0;
        for (long done = 0; done < src.length; done += STAGING_BYTES, slot ^= 1) {
            int n = (int) Math.min(STAGING_BYTES, src.length - done);
            check(cuEventSynchronize(stagingFree[slot]), "cuEventSynchronize(staging)");  // its last DMA is done
            copySlices(src, (int) done, stagingView[slot], n, true);
            check(cuMemcpyHtoDAsync(dst.withByteOffset(done), staging[slot], n, copyStream), "cuMemcpyHtoDAsync(" + n + ")");
            check(cuEventRecord(stagingFree[slot], copyStream), "cuEventRecord(staging)");
        }
        check(cuStreamSynchronize(copyStream), "cuMemcpyHtoD(" + src.length + ")");
    }

    /** Fills {@code dst} from {@code src}: the DMA of chunk i runs while the host copies chunk i − 1 out. */
    public synchronized void copyToHost(byte[] dst, CUdeviceptr src) {
        if (dst.length == 0) {
            return;
        }
        openStaging();
        int chunks = Math.ceilDiv(dst.length, STAGING_BYTES);
        for (int i = 0; i <= chunks; i++) {
            if (i < chunks) {
                int n = (int) Math.min(STAGING_BYTES, dst.length - (long) i * STAGING_BYTES);
                check(cuMemcpyDtoHAsync(staging[i & 1], src.withByteOffset((long) i * STAGING_BYTES), n, copyStream),
                        "cuMemcpyDtoHAsync(" + n + ")");
                check(cuEventRecord(stagingFree[i & 1], copyStream), "cuEventRecord(staging)");
            }
            if (i > 0) {
                int j = i - 1;
                int n = (int) Math.min(STAGING_BYTES, dst.length - (long) j * STAGING_BYTES);
                check(cuEventSynchronize(stagingFree[j & 1]), "cuMemcpyDtoH(" + dst.length + ")");
                copySlices(dst, (int) ((long) j * STAGING_BYTES), stagingView[j & 1], n, false);
            }
        }
    }

    /**
     * Copies n bytes between {@code array[offset…]} and the start of a staging buffer, in 1 MiB slices on the
     * common pool: one core's memcpy is slower than the DMA, several keep up with it.
     */
    private static void copySlices(byte[] array, int offset, ByteBuffer staging, int n, boolean toStaging) {
        IntStream slices = IntStream.range(0, Math.ceilDiv(n, SLICE_BYTES));
        (n > SLICE_BYTES ? slices.parallel() : slices).forEach(i -> {
            int at = i * SLICE_BYTES, length = Math.min(SLICE_BYTES, n - at);
            if (toStaging) {
                staging.put(at, array, offset + at, length);
            } else {
                staging.get(at, array, offset + at, length);
            }
        });
    }

    private void openStaging() {
        if (copyStream != null) {
            return;
        }
        CUstream stream = new CUstream();
        check(cuStreamCreate(stream, 0), "cuStreamCreate");   // blocking: ordered after kernels on the default stream
        for (int i = 0; i < 2; i++) {
            staging[i] = new Pointer();
            check(cuMemAllocHost(staging[i], STAGING_BYTES), "cuMemAllocHost(" + STAGING_BYTES + ")");
            stagingView[i] = staging[i].getByteBuffer(0, STAGING_BYTES);
            stagingFree[i] = event();
        }
        copyStream = stream;
    }

    public void memset(CUdeviceptr p, int value, long bytes) {
        check(cuMemsetD8(p, (byte) value, bytes), "cuMemsetD8");
    }

    /**
     * Launches a grid-stride kernel over {@code work} items and waits for it; the arguments are pointers to
     * each parameter's value ({@code Pointer.to(devicePtr)}, {@code Pointer.to(new int[]{...})} for a struct).
     */
    public void launch(String kernel, long work, Pointer... args) {
        launchAsync(kernel, work, args);
        check(cuCtxSynchronize(), "kernel " + kernel);
    }

    /** As {@link #launch} without waiting. */
    public void launchAsync(String kernel, long work, Pointer... args) {
        int threads = 256;
        long blocks = Math.max(1, Math.min((work + threads - 1) / threads, (long) multiprocessors * 32));
        check(cuLaunchKernel(function(kernel), (int) blocks, 1, 1, threads, 1, 1, 0, null, Pointer.to(args), null),
                "kernel " + kernel + " (launch)");
    }

    /** A CUDA event. */
    public CUevent event() {
        CUevent e = new CUevent();
        check(cuEventCreate(e, 0), "cuEventCreate");
        return e;
    }

    public void record(CUevent e) {
        check(cuEventRecord(e, null), "cuEventRecord");
    }

    /** Milliseconds between two recorded events (waits for the second). */
    public float elapsed(CUevent start, CUevent end) {
        check(cuEventSynchronize(end), "cuEventSynchronize");
        float[] ms = {0};
        check(cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
        return ms[0];
    }

    public void synchronize(String what) {
        check(cuCtxSynchronize(), what);
    }

    /** A pointer to a long kernel argument. */
    public static Pointer arg(long v) { return Pointer.to(new long[] {v}); }

    /** A pointer to an int kernel argument. */
    public static Pointer arg(int v) { return Pointer.to(new int[] {v}); }

    /** A pointer to a device-pointer kernel argument. */
    public static Pointer arg(CUdeviceptr p) { return Pointer.to(p); }

    /** A null device pointer argument. */
    public static Pointer nullArg() { return Pointer.to(new long[] {0L}); }

    static final int POINTER_SIZE = Sizeof.POINTER;

    @Override
    public void close() {
        if (copyStream != null) {
            cuStreamSynchronize(copyStream);
            for (int i = 0; i < 2; i++) {
                cuMemFreeHost(staging[i]);
                cuEventDestroy(stagingFree[i]);
            }
            cuStreamDestroy(copyStream);
            copyStream = null;
        }
        cuModuleUnload(module);
        cuCtxDestroy(context);
    }
}

package org.lowbit.harness.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits a range of independent work items (blocks or rows) into one contiguous chunk per thread and runs
 * the chunks on a fork-join pool of the given parallelism. Small ranges run on the calling thread.
 */
public final class BlockParallel implements AutoCloseable {

    /** A chunk of the range: items {@code [from, to)}. */
    @FunctionalInterface
    public interface Chunk {
        void run(long from, long to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    /** @param threads the parallelism, ≥ 1 */
    public BlockParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    public int threads() { return threads; }

    /**
     * Runs {@code chunk} over {@code [0, count)}, in one chunk per thread when there are at least
     * {@code minPerThread} items per thread.
     */
    public void forEach(long count, long minPerThread, Chunk chunk) {
        int parts = (int) Math.min(threads, Math.max(1, count / Math.max(1, minPerThread)));
        if (parts <= 1 || pool == null) {
            chunk.run(0, count);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            long from = count * p / parts;
            long to = count * (p + 1) / parts;
            tasks.add(pool.submit(() -> chunk.run(from, to)));
        }
        for (ForkJoinTask<?> task : tasks) {
            task.join(); // rethrows a chunk's exception
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}

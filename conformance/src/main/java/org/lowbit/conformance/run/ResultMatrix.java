package org.lowbit.conformance.run;

import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts per {@link Outcome} for every cell target × operation × format × profile. Its JSON form
 * ({@code matrix.json}, schema {@code lowbit-matrix-v1}) is what {@code lowbit conform merge} merges:
 * <pre>
 * {"schema": "lowbit-matrix-v1", "suiteVersion": "0.2.0", "shard": "1/1",
 *  "cells": [{"target": "reference", "operation": "encode", "format": "fp8_e4m3", "profile": "ocp",
 *             "counts": {"PASS": 9270, "FAIL": 0, "ACCEPTABLE_VARIANT": 0, "NOT_SUPPORTED": 0,
 *                        "CRASH": 0, "TIMEOUT": 0, "WAIVED": 0}}]}
 * </pre>
 */
public final class ResultMatrix {
    private final SortedMap<MatrixKey, EnumMap<Outcome, Long>> cells = new TreeMap<>();

    public synchronized void add(MatrixKey key, Outcome outcome, long count) {
        cells.computeIfAbsent(key, k -> zeros()).merge(outcome, count, Long::sum);
    }

    public synchronized SortedMap<MatrixKey, Map<Outcome, Long>> cells() {
        SortedMap<MatrixKey, Map<Outcome, Long>> copy = new TreeMap<>();
        cells.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        return copy;
    }

    /** No FAIL, CRASH or TIMEOUT in any cell. */
    public synchronized boolean passed() {
        return cells.values().stream().allMatch(c -> c.entrySet().stream().noneMatch(e -> e.getKey().failsRun() && e.getValue() > 0));
    }

    /** The JSON form above, canonical (cells sorted, 2-space indent, final newline). */
    public String toJson(String suiteVersion, Shard shard) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A Markdown table: one row per cell, a column per outcome, and a last line that says PASS or FAIL. */
    public String toMarkdown() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Parses the JSON form.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ResultMatrix fromJson(String json) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The sum of several matrices (the shards of one run, or runs of several targets). */
    public static ResultMatrix merge(java.util.List<ResultMatrix> parts) {
        ResultMatrix sum = new ResultMatrix();
        for (ResultMatrix part : parts) {
            part.cells().forEach((key, counts) -> counts.forEach((outcome, n) -> sum.add(key, outcome, n)));
        }
        return sum;
    }

    private static EnumMap<Outcome, Long> zeros() {
        EnumMap<Outcome, Long> m = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            m.put(o, 0L);
        }
        return m;
    }
}

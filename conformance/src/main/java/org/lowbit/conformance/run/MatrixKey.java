package org.lowbit.conformance.run;

import java.util.Comparator;
import java.util.Objects;

/** One cell of the result matrix: target × operation × format × profile. */
public record MatrixKey(String target, String operation, String format, String profile) implements Comparable<MatrixKey> {
    private static final Comparator<MatrixKey> ORDER = Comparator.comparing(MatrixKey::target)
            .thenComparing(MatrixKey::operation).thenComparing(MatrixKey::format).thenComparing(MatrixKey::profile);

    public MatrixKey {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
    }

    @Override
    public int compareTo(MatrixKey o) {
        return ORDER.compare(this, o);
    }
}

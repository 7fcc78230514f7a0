package org.lowbit.vectors;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One vector file: a header, the notes that explain its flags, and groups of tests, all of one operation
 * (FORMAT.md §4). Immutable.
 *
 * @param schema        always {@link #SCHEMA}
 * @param suiteVersion  the suite's version, {@link #SUITE_VERSION} for files this code writes
 * @param format        the element format (decode, encode, pack) or block format (quantize)
 * @param profile       the element or block profile; {@code none} for decode and pack
 * @param numberOfTests the number of tests in all groups
 * @param header        prose lines: what the file holds and how its expected values were computed
 * @param notes         flag → note, sorted by flag
 */
public record VectorFile(String schema, String suiteVersion, Operation operation, String format, String profile,
                         Level level, int numberOfTests, List<String> header, Map<String, Note> notes,
                         List<TestGroup> testGroups) {

    /** The value of every file's {@code schema} field. */
    public static final String SCHEMA = "lowbit-vectors-v1";

    /** The JSON Schema's {@code $id}. */
    public static final String SCHEMA_URI = "https://lowbit.dev/schemas/lowbit-vectors-v1.json";

    /** The version this code writes; readers accept any 0.x.y (the major version must match). */
    public static final String SUITE_VERSION = "0.2.0";

    /** The profile of files that have none (decode, pack). */
    public static final String NO_PROFILE = "none";

    public VectorFile {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(suiteVersion, "suiteVersion");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(level, "level");
        header = List.copyOf(header);
        notes = Collections.unmodifiableMap(new TreeMap<>(notes));
        testGroups = List.copyOf(testGroups);
        int counted = 0;
        for (TestGroup g : testGroups) {
            if (g.operation() != operation) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "a %s file holds a %s group: every group of a file has the file's operation", operation,
                        g.operation()));
            }
            counted += g.tests().size();
        }
        if (counted != numberOfTests) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "numberOfTests is %d, but the groups hold %d tests", numberOfTests, counted));
        }
    }

    /** A file of this suite version, counting its tests. */
    public static VectorFile of(Operation operation, String format, String profile, Level level, List<String> header,
                                Map<String, Note> notes, List<TestGroup> testGroups) {
        int n = testGroups.stream().mapToInt(g -> g.tests().size()).sum();
        return new VectorFile(SCHEMA, SUITE_VERSION, operation, format, profile, level, n, header, notes, testGroups);
    }

    /** Every test of every group, in file order. */
    public List<TestCase> tests() {
        return testGroups.stream().<TestCase>flatMap(g -> g.tests().stream()).toList();
    }
}

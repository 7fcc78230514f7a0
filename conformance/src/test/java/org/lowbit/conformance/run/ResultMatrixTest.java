package org.lowbit.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The result matrix's JSON form (schema lowbit-matrix-v1), its Markdown form and merging. */
class ResultMatrixTest {

    private static final MatrixKey ENCODE = new MatrixKey("reference", "encode", "fp8_e4m3", "ocp");
    private static final MatrixKey DECODE = new MatrixKey("reference", "decode", "fp4_e2m1", "none");

    /** The documented example of the JSON form, written out by hand from the class javadoc. */
    private static final String ONE_CELL = """
            {
              "schema": "lowbit-matrix-v1",
              "suiteVersion": "0.2.0",
              "shard": "2/8",
              "cells": [
                {
                  "target": "reference",
                  "operation": "encode",
                  "format": "fp8_e4m3",
                  "profile": "ocp",
                  "counts": {
                    "PASS": 9270,
                    "FAIL": 3,
                    "ACCEPTABLE_VARIANT": 0,
                    "NOT_SUPPORTED": 0,
                    "CRASH": 0,
                    "TIMEOUT": 1,
                    "WAIVED": 0
                  }
                }
              ]
            }
            """;

    private static String withCounts(String counts) {
        return """
               {"schema": "lowbit-matrix-v1", "suiteVersion": "0.2.0", "shard": "1/1",
                "cells": [{"target": "t", "operation": "encode", "format": "f", "profile": "p", "counts": %s}]}
               """.formatted(counts);
    }

    private static final String ZERO_COUNTS =
            "{\"PASS\": 0, \"FAIL\": 0, \"ACCEPTABLE_VARIANT\": 0, \"NOT_SUPPORTED\": 0, \"CRASH\": 0, \"TIMEOUT\": 0, \"WAIVED\": 0}";

    @Test
    @DisplayName("toJson writes the documented canonical form: every outcome in taxonomy order, 2-space indent, final newline")
    void jsonIsCanonical() {
        ResultMatrix m = new ResultMatrix();
        m.add(ENCODE, Outcome.TIMEOUT, 1);
        m.add(ENCODE, Outcome.PASS, 9000);
        m.add(ENCODE, Outcome.FAIL, 3);
        m.add(ENCODE, Outcome.PASS, 270);
        assertEquals(ONE_CELL, m.toJson("0.2.0", new Shard(2, 8)));
    }

    @Test
    @DisplayName("fromJson reads the documented example back: counts, shard and suite version")
    void parsesTheExample() {
        ResultMatrix.Parsed p = ResultMatrix.parse(ONE_CELL);
        assertEquals("0.2.0", p.suiteVersion());
        assertEquals(new Shard(2, 8), p.shard());
        Map<Outcome, Long> counts = p.matrix().cells().get(ENCODE);
        assertEquals(9270L, counts.get(Outcome.PASS));
        assertEquals(3L, counts.get(Outcome.FAIL));
        assertEquals(1L, counts.get(Outcome.TIMEOUT));
        assertEquals(0L, counts.get(Outcome.WAIVED));
        assertEquals(1, p.matrix().cells().size());
        assertFalse(p.matrix().passed());
    }

    @Test
    @DisplayName("toJson then fromJson gives the same cells, sorted, for several cells")
    void roundTrip() {
        ResultMatrix m = new ResultMatrix();
        m.add(ENCODE, Outcome.PASS, 5);
        m.add(DECODE, Outcome.WAIVED, 2);
        m.add(new MatrixKey("process:./k --x \"q\"", "quantize", "mxfp4", "ocp-mx-1.0"), Outcome.CRASH, 1);
        ResultMatrix back = ResultMatrix.fromJson(m.toJson("v", Shard.ALL));
        assertEquals(m.cells(), back.cells());
        assertEquals(List.of(DECODE, ENCODE), back.cells().keySet().stream().filter(k -> k.target().equals("reference")).toList());
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("fromJson refuses a corrupt matrix and names the problem")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            not JSON                 | {"schema": "lowbit-matrix-v1",                                 | not valid JSON
            trailing garbage         | {"schema": "lowbit-matrix-v1"} x                               | not valid JSON
            an array                 | []                                                             | JSON object, not array
            empty                    | ~~                                                             | empty
            wrong schema             | {"schema": "lowbit-matrix-v2", "suiteVersion": "1", "shard": "1/1", "cells": []} | schema is 'lowbit-matrix-v2'
            no schema                | {"suiteVersion": "1", "shard": "1/1", "cells": []}              | lacks the field 'schema'
            no suite version         | {"schema": "lowbit-matrix-v1", "shard": "1/1", "cells": []}     | lacks the field 'suiteVersion'
            no shard                 | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "cells": []} | lacks the field 'shard'
            bad shard                | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "9/8", "cells": []} | field 'shard'
            no cells                 | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1"} | 'cells' must be an array, is missing
            cells an object          | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": {}} | 'cells' must be an array, is object
            unknown top field        | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [], "x": 1} | unknown field 'x'
            duplicate key            | {"schema": "lowbit-matrix-v1", "schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": []} | Duplicate field 'schema'
            cell not an object       | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [3]} | cells[0] must be an object
            cell without target      | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [{"operation": "encode", "format": "f", "profile": "p", "counts": {}}]} | cells[0] lacks the field 'target'
            cell with empty format   | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [{"target": "t", "operation": "encode", "format": "", "profile": "p", "counts": {}}]} | field 'format' must be a non-empty string
            cell with a number name  | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [{"target": 7, "operation": "encode", "format": "f", "profile": "p", "counts": {}}]} | field 'target' must be a non-empty string
            cell with unknown field  | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [{"target": "t", "operation": "encode", "format": "f", "profile": "p", "layout": "x", "counts": {}}]} | cells[0] has an unknown field 'layout'
            cell without counts      | {"schema": "lowbit-matrix-v1", "suiteVersion": "1", "shard": "1/1", "cells": [{"target": "t", "operation": "encode", "format": "f", "profile": "p"}]} | cells[0].counts must be an object, is missing
            """)
    void refusesCorruptFiles(String what, String json, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultMatrix.fromJson(json));
        assertTrue(e.getMessage().contains(fragment), () -> what + ": message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("fromJson refuses bad counts: negative, fractional, text, too large, missing or unknown outcomes")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            negative         | -1                    | cells[0].counts.FAIL is negative: -1
            fractional       | 1.5                   | cells[0].counts.FAIL must be a whole number, is 1.5
            exponent         | 1e3                   | cells[0].counts.FAIL must be a whole number
            text             | ~"3"~                 | cells[0].counts.FAIL must be a whole number, is "3"
            null             | null                  | cells[0].counts.FAIL must be a whole number, is null
            beyond a long    | 99999999999999999999  | cells[0].counts.FAIL must be a whole number
            """)
    void refusesBadCounts(String what, String failCount, String fragment) {
        String json = withCounts(ZERO_COUNTS.replace("\"FAIL\": 0", "\"FAIL\": " + failCount));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultMatrix.fromJson(json));
        assertTrue(e.getMessage().contains(fragment), () -> what + ": message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    @DisplayName("fromJson refuses a missing outcome, an unknown outcome and a repeated cell")
    void refusesIncompleteCounts() {
        assertMessage(withCounts(ZERO_COUNTS.replace(", \"WAIVED\": 0", "")), "cells[0].counts.WAIVED is missing");
        assertMessage(withCounts(ZERO_COUNTS.replace("\"WAIVED\"", "\"SKIPPED\"")), "cells[0].counts has an unknown field 'SKIPPED'");
        String cell = "{\"target\": \"t\", \"operation\": \"encode\", \"format\": \"f\", \"profile\": \"p\", \"counts\": " + ZERO_COUNTS + "}";
        assertMessage("{\"schema\": \"lowbit-matrix-v1\", \"suiteVersion\": \"1\", \"shard\": \"1/1\", \"cells\": [" + cell + ", " + cell + "]}",
                "cells[1] repeats the cell t × encode × f × p");
        // the unchanged template parses: the cases above fail for the reason they name
        assertEquals(1, ResultMatrix.fromJson(withCounts(ZERO_COUNTS)).cells().size());
    }

    private static void assertMessage(String json, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultMatrix.fromJson(json));
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    @DisplayName("merge adds the counts of the same cell and keeps the others; passed() follows FAIL, CRASH and TIMEOUT only")
    void mergeSums() {
        ResultMatrix a = new ResultMatrix();
        a.add(ENCODE, Outcome.PASS, 10);
        a.add(DECODE, Outcome.PASS, 16);
        ResultMatrix b = new ResultMatrix();
        b.add(ENCODE, Outcome.PASS, 7);
        b.add(ENCODE, Outcome.WAIVED, 1);
        b.add(ENCODE, Outcome.ACCEPTABLE_VARIANT, 2);
        b.add(ENCODE, Outcome.NOT_SUPPORTED, 4);
        ResultMatrix sum = ResultMatrix.merge(List.of(a, b));
        assertEquals(17L, sum.cells().get(ENCODE).get(Outcome.PASS));
        assertEquals(1L, sum.cells().get(ENCODE).get(Outcome.WAIVED));
        assertEquals(16L, sum.cells().get(DECODE).get(Outcome.PASS));
        assertEquals(0L, sum.cells().get(DECODE).get(Outcome.FAIL));
        assertTrue(sum.passed());
        for (Outcome bad : List.of(Outcome.FAIL, Outcome.CRASH, Outcome.TIMEOUT)) {
            ResultMatrix c = new ResultMatrix();
            c.add(DECODE, bad, 1);
            assertFalse(ResultMatrix.merge(List.of(sum, c)).passed(), bad::name);
        }
        assertTrue(ResultMatrix.merge(List.of()).isEmpty());
    }

    @Test
    @DisplayName("add refuses a negative count")
    void negativeAdd() {
        assertThrows(IllegalArgumentException.class, () -> new ResultMatrix().add(ENCODE, Outcome.PASS, -1));
    }

    @Test
    @DisplayName("toMarkdown: a row per cell, a column per outcome, FAIL rows marked, and a last line with the verdict")
    void markdown() {
        ResultMatrix m = new ResultMatrix();
        m.add(ENCODE, Outcome.PASS, 9270);
        m.add(DECODE, Outcome.PASS, 15);
        m.add(DECODE, Outcome.CRASH, 1);
        m.add(new MatrixKey("process:a|b", "quantize", "mxfp4", "ocp-mx-1.0"), Outcome.WAIVED, 2);
        String expected = """
                | target | operation | format | profile | PASS | FAIL | ACCEPTABLE_VARIANT | NOT_SUPPORTED | CRASH | TIMEOUT | WAIVED | result |
                |---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|
                | process:a\\|b | quantize | mxfp4 | ocp-mx-1.0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | PASS |
                | reference | decode | fp4_e2m1 | none | 15 | 0 | 0 | 0 | 1 | 0 | 0 | **FAIL** |
                | reference | encode | fp8_e4m3 | ocp | 9270 | 0 | 0 | 0 | 0 | 0 | 0 | PASS |

                **FAIL**: 1 of 3 cells failed; 9288 cases: PASS 9285, CRASH 1, WAIVED 2.
                """;
        assertEquals(expected, m.toMarkdown());

        ResultMatrix ok = new ResultMatrix();
        ok.add(ENCODE, Outcome.PASS, 3);
        assertTrue(ok.toMarkdown().endsWith("\n**PASS**: 1 cells, 3 cases: PASS 3.\n"), ok.toMarkdown());
        assertTrue(new ResultMatrix().toMarkdown().endsWith("**FAIL**: no case ran.\n"));
    }
}

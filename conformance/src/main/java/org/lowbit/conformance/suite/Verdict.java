package org.lowbit.conformance.suite;

import java.util.Objects;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;

/**
 * What one case came to before waivers: its cell, id, outcome and, for anything but PASS, the full failure
 * text and the decoded mismatch table (also the Allure attachment).
 */
public record Verdict(MatrixKey cell, String caseId, Outcome outcome, String message, String mismatchTable) {
    public Verdict {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(mismatchTable, "mismatchTable");
    }

    public static Verdict pass(MatrixKey cell, String caseId) {
        return new Verdict(cell, caseId, Outcome.PASS, "", "");
    }

    public static Verdict of(MatrixKey cell, String caseId, Outcome outcome, String message) {
        return new Verdict(cell, caseId, outcome, message, "");
    }
}

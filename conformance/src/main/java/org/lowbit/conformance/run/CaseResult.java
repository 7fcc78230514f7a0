package org.lowbit.conformance.run;

import java.util.Objects;

/**
 * The result of one case.
 *
 * @param cell      where it counts in the matrix
 * @param caseId    a stable id: {@code encode_fp8_e4m3_ocp.json#634}, {@code sweep/encode-bf16/fp8_e4m3/ocp},
 *                  {@code property/sign-symmetry/mxfp4/ocp-mx-1.0/seed=0x...}
 * @param outcome   the outcome
 * @param message   for anything but PASS: the full failure text; empty for PASS
 * @param reproduce a one-line command that reproduces the case, or empty
 */
public record CaseResult(MatrixKey cell, String caseId, Outcome outcome, String message, String reproduce) {
    public CaseResult {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(reproduce, "reproduce");
    }
}

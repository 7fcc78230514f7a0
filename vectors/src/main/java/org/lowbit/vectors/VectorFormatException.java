package org.lowbit.vectors;

/**
 * A vector file, manifest or results file that lowbit refuses: its message names the file and the
 * problem (a wrong schema id, a wrong suite version, an unknown or missing field, a wrong count, a
 * checksum mismatch, ...).
 */
public final class VectorFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public VectorFormatException(String message) {
        super(message);
    }

    public VectorFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.lowbit.conformance.target;

/**
 * How a target call can go wrong, one subclass per result of the taxonomy it leads to:
 * <pre>
 *   Rejected      the target refused the input (a pass on an 'invalid' vector, a FAIL on a valid one)
 *   NotSupported  the target does not do this (NOT_SUPPORTED; a FAIL if the manifest claimed it)
 *   Malformed     the answer is garbage: wrong length, bad frame, unparsable (FAIL)
 *   Crashed       the target died: a signal, an exit, a native fault (CRASH)
 *   TimedOut      no answer within the per-request timeout (TIMEOUT)
 * </pre>
 */
public sealed class TargetException extends Exception {

    private TargetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The target refused the input, with an error code such as {@code RAGGED_TAIL} (vectors/FORMAT.md §5). */
    public static final class Rejected extends TargetException {
        private final String code;

        public Rejected(String code, String message) {
            super(code + ": " + message, null);
            this.code = code;
        }

        public String code() { return code; }
    }

    public static final class NotSupported extends TargetException {
        public NotSupported(String message) {
            super(message, null);
        }
    }

    public static final class Malformed extends TargetException {
        public Malformed(String message) {
            super(message, null);
        }

        public Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static final class Crashed extends TargetException {
        public Crashed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static final class TimedOut extends TargetException {
        public TimedOut(String message) {
            super(message, null);
        }
    }
}

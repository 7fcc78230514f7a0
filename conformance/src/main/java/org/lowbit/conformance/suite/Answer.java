package org.lowbit.conformance.suite;

import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.TargetException;

/** A target's answer to one request: a value, or what went wrong. */
sealed interface Answer<T> {
    record Ok<T>(T value) implements Answer<T> {}

    record Err<T>(Throwable error) implements Answer<T> {}

    /** A call to the target. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws TargetException;
    }

    static <T> Answer<T> of(Call<T> call) {
        try {
            return new Ok<>(call.call());
        } catch (TargetException | RuntimeException e) {
            return new Err<>(e);
        } catch (StackOverflowError | AssertionError e) {
            return new Err<>(e);
        }
    }

    /**
     * The outcome of an error on a request the target must answer: a crash or timeout as such, anything else
     * (a rejection, "not supported" for a claimed operation, a malformed answer) a FAIL.
     */
    static Outcome outcome(Throwable error) {
        return switch (error) {
            case TargetException.Crashed c -> Outcome.CRASH;
            case TargetException.TimedOut t -> Outcome.TIMEOUT;
            case TargetException t -> Outcome.FAIL;
            default -> Outcome.CRASH;
        };
    }

    /** The error in words: {@code rejected the input: RAGGED_TAIL: ...}. */
    static String describe(Throwable error) {
        return switch (error) {
            case TargetException.Rejected r -> "rejected the input: " + r.getMessage();
            case TargetException.NotSupported n -> "answered 'not supported' for a claimed operation: " + n.getMessage();
            case TargetException.Malformed m -> "gave a malformed answer: " + m.getMessage();
            case TargetException.Crashed c -> "crashed: " + c.getMessage();
            case TargetException.TimedOut t -> "timed out: " + t.getMessage();
            default -> "threw " + error;
        };
    }
}

package org.lowbit.conformance.target;

/**
 * Opens targets of one kind, found with {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/org.lowbit.conformance.target.TargetProvider}). A target spec is
 * {@code KIND} or {@code KIND:ARGUMENT}: {@code reference}, {@code cpu-vector}, {@code cuda},
 * {@code process:./build/my-kernel --flag}.
 */
public interface TargetProvider {

    /** The kind, the part of a target spec before the first colon. */
    String kind();

    /** One line for {@code lowbit conform --list-targets}. */
    String description();

    /** Whether this kind can run here (a CUDA target without a GPU cannot). */
    default boolean available() { return true; }

    /** Why {@link #available()} is false, in words. */
    default String unavailableReason() { return ""; }

    /**
     * Opens a target.
     *
     * @param argument the text after the colon, or empty
     * @throws TargetException.NotSupported when the kind cannot run here, saying why
     * @throws IllegalArgumentException     for a bad argument
     */
    Target open(String argument) throws TargetException;

    /**
     * Opens a target whose requests must each finish within {@code requestTimeout}; a target that can
     * enforce it (a child process, a device kernel) answers a late request with
     * {@link TargetException.TimedOut}. In-process Java targets ignore it.
     */
    default Target open(String argument, java.time.Duration requestTimeout) throws TargetException {
        return open(argument);
    }
}

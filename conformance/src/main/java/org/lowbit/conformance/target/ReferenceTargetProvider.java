package org.lowbit.conformance.target;

/** Provides {@code reference}: the scalar reference codec. */
public final class ReferenceTargetProvider implements TargetProvider {
    @Override
    public String kind() { return "reference"; }

    @Override
    public String description() { return "lowbit's scalar reference codec; claims every format, profile and layout"; }

    @Override
    public Target open(String argument) {
        if (!argument.isEmpty()) {
            throw new IllegalArgumentException("the reference target takes no argument, got '" + argument + "'");
        }
        return new ReferenceTarget();
    }
}

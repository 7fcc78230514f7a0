package org.lowbit.conformance.target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds target providers by kind, with {@link ServiceLoader}. */
public final class Targets {
    private Targets() {}

    /** Every provider on the class path, sorted by kind. */
    public static List<TargetProvider> providers() {
        List<TargetProvider> list = new ArrayList<>();
        ServiceLoader.load(TargetProvider.class, Targets.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparing(TargetProvider::kind));
        return list;
    }

    /**
     * Opens the target named by {@code spec} ({@code KIND} or {@code KIND:ARGUMENT}).
     *
     * @throws IllegalArgumentException naming the known kinds when none matches
     */
    public static Target open(String spec) throws TargetException {
        return open(spec, java.time.Duration.ofSeconds(60));
    }

    /** As {@link #open(String)}, with a per-request timeout ({@link TargetProvider#open(String, java.time.Duration)}). */
    public static Target open(String spec, java.time.Duration requestTimeout) throws TargetException {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String argument = colon < 0 ? "" : spec.substring(colon + 1);
        for (TargetProvider provider : providers()) {
            if (provider.kind().equals(kind)) {
                return provider.open(argument, requestTimeout);
            }
        }
        throw new IllegalArgumentException("unknown target '" + spec + "'; known kinds: "
                + providers().stream().map(TargetProvider::kind).collect(Collectors.joining(", ")));
    }
}

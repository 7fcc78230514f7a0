package org.lowbit.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of knob values by name, with errors that list what is allowed. */
final class Knobs {
    private Knobs() {}

    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        if (name == null) {
            throw new IllegalArgumentException("missing " + words(type.getSimpleName()) + "; allowed: " + allowed(type));
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return value;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown %s '%s'; allowed: %s",
                words(type.getSimpleName()), name, allowed(type)));
    }

    /** {@code CodeRounding} → {@code code rounding}. */
    static String words(String camelCase) {
        return camelCase.replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}

package org.lowbit.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of knob values by name, with errors that list what is allowed. */
final class Knobs {
    private Knobs() {}

    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return value;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown %s '%s'; allowed: %s",
                type.getSimpleName().toLowerCase(Locale.ROOT), name, allowed(type)));
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}

package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;

/**
 * Why a flag exists: the kind of bug it catches, what it means, and the real reports it comes from
 * (Wycheproof's NoteEntry, conformance-anchors.md §2.5 and §4).
 *
 * @param bugType     one of {@link Flag.BugType}'s names
 * @param description one or more sentences, ASCII
 * @param links       the issues and pull requests that show the bug in a real system
 */
public record Note(String bugType, String description, List<String> links) {
    public Note {
        Objects.requireNonNull(bugType, "bugType");
        Objects.requireNonNull(description, "description");
        links = List.copyOf(links);
    }
}

package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** process:COMMAND splits like a POSIX shell splits simple words (PROTOCOL.md §1); the expected lists are what sh gives. */
class CommandWordsTest {

    @Test
    @DisplayName("blanks separate words; quotes and backslashes as in sh")
    void splitsLikeSh() {
        assertEquals(List.of("python3", "harness/examples/python/lowbit_example.py"),
                CommandWords.split("  python3   harness/examples/python/lowbit_example.py "));
        assertEquals(List.of("./my kernel", "--name=a b", "it's", "x\"y", "a\\b", "$HOME", "*"),
                CommandWords.split("'./my kernel' --name=\"a b\" it\\'s \"x\\\"y\" \"a\\\\b\" '$HOME' '*'"));
        assertEquals(List.of("", "a"), CommandWords.split("'' a"));
        assertEquals(List.of("a\\nb"), CommandWords.split("\"a\\nb\""), "inside \"…\" only \\\" and \\\\ escape");
    }

    @Test
    @DisplayName("an empty command, an unterminated quote and a trailing backslash are errors that say so")
    void badCommands() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandWords.split("  ")).getMessage().contains("needs a command"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandWords.split("a 'b")).getMessage().contains("unterminated '"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandWords.split("a \"b")).getMessage().contains("unterminated \""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandWords.split("a\\")).getMessage().contains("lone backslash"));
    }
}

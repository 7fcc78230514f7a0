package org.lowbit.harness.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the {@code COMMAND} of {@code process:COMMAND} into words the way a POSIX shell splits simple
 * words (PROTOCOL.md §1): blanks separate words; {@code '…'} keeps everything literally; {@code "…"} keeps
 * everything but lets {@code \"} and {@code \\} escape; outside quotes {@code \} escapes the next
 * character. Nothing else is special: no variables, globs, pipes or redirections.
 */
public final class CommandWords {
    private CommandWords() {}

    /**
     * @throws IllegalArgumentException for an empty command, an unterminated quote or a trailing backslash
     */
    public static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ' in process command: " + command);
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= command.length()) {
                        throw new IllegalArgumentException("unterminated \" in process command: " + command);
                    }
                    char d = command.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < command.length() && (command.charAt(i + 1) == '"' || command.charAt(i + 1) == '\\')) {
                        d = command.charAt(++i);
                    }
                    word.append(d);
                    i++;
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= command.length()) {
                    throw new IllegalArgumentException("process command ends with a lone backslash: " + command);
                }
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("process target needs a command: process:COMMAND [ARGS...]");
        }
        return List.copyOf(words);
    }
}

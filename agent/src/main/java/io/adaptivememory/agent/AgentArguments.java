package io.adaptivememory.agent;

import io.adaptivememory.config.Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent argument string ({@code -javaagent:jar=ARGS} or the attach command's properties):
 * comma-separated {@code key=value} pairs, keys with or without the {@code adaptive.memory.}
 * prefix. They become system properties, so one configuration path serves both ways to start.
 * A malformed pair is skipped and reported, like any other bad setting: it never keeps the
 * agent (or the TaskManager) from starting.
 */
final class AgentArguments {

    private AgentArguments() {}

    /** Applies the pairs and returns one problem sentence per malformed pair. */
    static List<String> applyAsSystemProperties(String arguments) {
        List<String> problems = new ArrayList<>();
        if (arguments == null || arguments.isBlank()) {
            return problems;
        }
        for (String pair : arguments.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument '" + pair + "' is not key=value and is ignored");
                continue;
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            System.setProperty(key.startsWith(Settings.PREFIX) ? key : Settings.PREFIX + key, value);
        }
        return problems;
    }
}

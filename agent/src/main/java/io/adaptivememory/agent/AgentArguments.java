package io.adaptivememory.agent;

import io.adaptivememory.config.Settings;

/**
 * The agent argument string ({@code -javaagent:jar=ARGS} or the attach command's properties):
 * comma-separated {@code key=value} pairs, keys with or without the {@code adaptive.memory.}
 * prefix. They become system properties, so one configuration path serves both ways to start.
 */
final class AgentArguments {

    private AgentArguments() {}

    static void applyAsSystemProperties(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return;
        }
        for (String pair : arguments.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agent argument '" + pair + "' is not key=value");
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            System.setProperty(key.startsWith(Settings.PREFIX) ? key : Settings.PREFIX + key, value);
        }
    }
}

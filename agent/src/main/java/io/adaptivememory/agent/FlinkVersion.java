package io.adaptivememory.agent;

import java.lang.reflect.Method;
import java.util.List;

/** Which Flink the TaskManager runs, and whether the agent knows it. */
final class FlinkVersion {

    /** Minor versions whose MemoryManager, budget and slot table match the hooks (sources compared). */
    static final List<String> SUPPORTED = List.of("1.20", "2.0", "2.1", "2.2", "2.3");

    private FlinkVersion() {}

    /** The running Flink version, or null when Flink is not on the class path. */
    static String detect(ClassLoader loader) {
        try {
            Class<?> info = Class.forName("org.apache.flink.runtime.util.EnvironmentInformation", false, loader);
            Method getVersion = info.getMethod("getVersion");
            String version = (String) getVersion.invoke(null);
            if (version != null && !version.startsWith("<unknown")) {
                return version;
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // fall through to the jar manifest
        }
        try {
            Class<?> manager = Class.forName(FlinkInstrumentation.MEMORY_MANAGER, false, loader);
            Package p = manager.getPackage();
            return p == null ? "unknown" : String.valueOf(p.getImplementationVersion());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    static boolean isSupported(String version) {
        if (version == null) {
            return false;
        }
        for (String minor : SUPPORTED) {
            if (version.equals(minor) || version.startsWith(minor + ".") || version.startsWith(minor + "-")) {
                return true;
            }
        }
        return false;
    }
}

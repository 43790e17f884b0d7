package io.adaptivememory.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The shaded {@code adaptive-memory-agent.jar} as a TaskManager sees it. Everything in it lands
 * on the TaskManager's system class path, so a third-party class that was not relocated would
 * clash with Flink's or the user's copy of the same library. Runs in the integration-test phase
 * (maven-failsafe), after the shade plugin has built the jar in the package phase.
 */
class ShadedJarIT {

    private static final String OURS = "io/adaptivememory/";
    private static final String SHADED = OURS + "shaded/";

    private static JarFile jar;
    private static Path projectRoot;

    @BeforeAll
    static void openJar() throws IOException {
        String path = System.getProperty("shaded.agent.jar");
        assertNotNull(path, "system property shaded.agent.jar is not set (see agent/pom.xml, maven-failsafe-plugin)");
        Path file = Paths.get(path);
        assertTrue(Files.isRegularFile(file), file + " does not exist: the shade plugin did not run");
        jar = new JarFile(file.toFile());
        projectRoot = Paths.get(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    @AfterAll
    static void closeJar() throws IOException {
        if (jar != null) {
            jar.close();
        }
    }

    private static List<String> classEntries() {
        return jar.stream()
                .map(JarEntry::getName)
                .filter(name -> name.endsWith(".class"))
                .collect(Collectors.toList());
    }

    @Test
    void classes_everyEntry_underOurPackage() {
        List<String> leaked = classEntries().stream()
                .filter(name -> !name.startsWith(OURS))
                .collect(Collectors.toList());

        assertTrue(leaked.isEmpty(), "classes outside " + OURS + " (not relocated): " + firstFew(leaked));
    }

    @Test
    void classes_outsideShadedPackage_haveSourcesInThisRepository() {
        TreeSet<String> foreignPackages = new TreeSet<>();
        for (String name : classEntries()) {
            if (name.startsWith(OURS) && !name.startsWith(SHADED)) {
                String pkg = name.substring(0, name.lastIndexOf('/'));
                if (!Files.isDirectory(projectRoot.resolve("agent/src/main/java").resolve(pkg))
                        && !Files.isDirectory(projectRoot.resolve("runtime-hooks/src/main/java").resolve(pkg))) {
                    foreignPackages.add(pkg);
                }
            }
        }

        assertTrue(foreignPackages.isEmpty(),
                "packages outside " + SHADED + " without sources in agent or runtime-hooks: " + foreignPackages);
    }

    @Test
    void classes_thirdPartyLibraries_relocated() {
        for (String library : List.of("net/bytebuddy/", "io/micrometer/", "io/prometheus/", "org/HdrHistogram/")) {
            assertTrue(jar.stream().anyMatch(e -> e.getName().startsWith(SHADED + library)),
                    library + " is not bundled under " + SHADED);
        }
    }

    @Test
    void entries_slf4jAndFlink_notBundled() {
        List<String> bundled = jar.stream()
                .map(JarEntry::getName)
                .filter(name -> name.contains("org/slf4j/") || name.contains("org/apache/flink/")
                        || name.contains("org.slf4j") || name.contains("org.apache.flink"))
                .collect(Collectors.toList());

        assertTrue(bundled.isEmpty(), "SLF4J or Flink entries bundled: " + firstFew(bundled));
    }

    @Test
    void services_everyServiceFile_namesARelocatedInterface() {
        List<String> unrelocated = jar.stream()
                .map(JarEntry::getName)
                .filter(name -> name.startsWith("META-INF/services/") && !name.endsWith("/"))
                .filter(name -> !name.startsWith("META-INF/services/io.adaptivememory."))
                .collect(Collectors.toList());

        assertTrue(unrelocated.isEmpty(), "service files for unrelocated interfaces: " + unrelocated);
    }

    @Test
    void manifest_declaresAgentEntryPoints() throws IOException {
        Attributes main = jar.getManifest().getMainAttributes();

        assertEquals(AdaptiveMemoryAgent.class.getName(), main.getValue("Premain-Class"));
        assertEquals(AdaptiveMemoryAgent.class.getName(), main.getValue("Agent-Class"));
        assertEquals(AgentMain.class.getName(), main.getValue("Main-Class"));
        assertEquals("true", main.getValue("Can-Retransform-Classes"));
    }

    @Test
    void manifest_entryPointClasses_inTheJar() {
        assertNotNull(jar.getEntry(AdaptiveMemoryAgent.class.getName().replace('.', '/') + ".class"));
        assertNotNull(jar.getEntry(AgentMain.class.getName().replace('.', '/') + ".class"));
    }

    private static String firstFew(List<String> names) {
        List<String> head = new ArrayList<>(names.subList(0, Math.min(20, names.size())));
        return names.size() > head.size() ? head + " and " + (names.size() - head.size()) + " more" : head.toString();
    }
}

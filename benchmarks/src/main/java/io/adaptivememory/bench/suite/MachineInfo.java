package io.adaptivememory.bench.suite;

import org.apache.flink.runtime.util.EnvironmentInformation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Where and with what a suite ran, for the report's header: the machine from {@code /proc}, the
 * JVM of this process (the clusters' JVMs are started from the same {@code java.home}), Flink from
 * its own version file, and the agent jar's SHA-256.
 */
record MachineInfo(int cpus, String cpuModel, long memoryBytes, String jvm, String flinkVersion, String agentSha256) {

    static MachineInfo of(Path agentJar) throws IOException {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                procField(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"),
                procField(Path.of("/proc/meminfo"), "MemTotal")
                        .map(kib -> Long.parseLong(kib.replace("kB", "").trim()) << 10).orElse(-1L),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vendor") + ")",
                EnvironmentInformation.getVersion(),
                sha256(agentJar));
    }

    /** The value of the first {@code key: value} line of a {@code /proc} file. */
    private static Optional<String> procField(Path file, String key) throws IOException {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file);
        return lines.stream()
                .filter(l -> l.startsWith(key) && l.indexOf(':') > 0)
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

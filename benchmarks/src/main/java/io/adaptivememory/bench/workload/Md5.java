package io.adaptivememory.bench.workload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MD5 of an id's decimal string, as Flink's {@code MD5(CAST(id AS STRING))} computes it, without
 * formatting it as hex: the expected results of the larger workloads need millions of them.
 * Comparing the two halves as unsigned longs orders digests as their lowercase hex strings do.
 */
final class Md5 {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Md5() {}

    static byte[] of(long id) {
        return DIGEST.get().digest(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Character {@code i} (0..31) of the digest's lowercase hex string. */
    static char hexAt(byte[] digest, int i) {
        int b = digest[i >> 1] & 0xff;
        return HEX[(i & 1) == 0 ? b >>> 4 : b & 0xf];
    }

    /** Bytes {@code from..from+7} of the digest as a big-endian long. */
    static long half(byte[] digest, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (digest[i] & 0xff);
        }
        return v;
    }
}

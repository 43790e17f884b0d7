package io.adaptivememory.history;

/**
 * Who a consumer belongs to, read from the name of the Flink task thread it runs on. Flink names
 * every task thread {@code "<task name> (<subtask + 1>/<parallelism>)#<attempt>"}, so the thread
 * gives the job vertex, the subtask and the parallelism without any Flink object. The vertex key
 * is a 64-bit FNV-1a hash of the task name without the planner's operator ids ({@code [12]} in
 * {@code "SortAggregate[12] -> Sink"}), which count up across every query a client JVM plans:
 * the key is the same for every run of the same query, whoever submits it, and it carries no user
 * data (task names contain operator descriptions, sometimes SQL). Two vertices of one job with the
 * same operator chain share a key; their subtasks' histories then mix.
 *
 * <p>{@link #vertexKey}, {@link #subtask} and {@link #parallelism} allocate nothing, so task
 * threads can call them; {@link #operator} builds a string and runs on the history thread.
 */
public final class TaskIdentity {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private TaskIdentity() {}

    /** Index of the {@code " ("} that starts the subtask suffix, or -1 when the name has none. */
    private static int suffixStart(String name) {
        int hash = name.lastIndexOf('#');
        int open = name.lastIndexOf(" (", hash < 0 ? name.length() : hash);
        if (open < 0 || name.indexOf('/', open) < 0 || name.indexOf(')', open) < 0) {
            return -1;
        }
        return open;
    }

    /** The task name's hash; a thread without Flink's suffix hashes whole. */
    public static long vertexKey(String threadName) {
        int end = suffixStart(threadName);
        if (end < 0) {
            end = threadName.length();
        }
        long h = FNV_OFFSET;
        for (int i = 0; i < end; i++) {
            char c = threadName.charAt(i);
            if (c == '[') {
                int close = operatorIdEnd(threadName, i, end);
                if (close > 0) {
                    i = close;
                    continue;
                }
            }
            h ^= c;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** The index of the {@code ]} closing a {@code [digits]} operator id opened at {@code open}, else -1. */
    private static int operatorIdEnd(String s, int open, int end) {
        int i = open + 1;
        while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > open + 1 && i < end && s.charAt(i) == ']' ? i : -1;
    }

    /** The vertex key as the history writes it: 16 hex digits. */
    public static String vertexId(long vertexKey) {
        String hex = Long.toHexString(vertexKey);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** The 0-based subtask index, or 0 when the name has no subtask suffix. */
    public static int subtask(String threadName) {
        int open = suffixStart(threadName);
        if (open < 0) {
            return 0;
        }
        return Math.max(0, parse(threadName, open + 2, threadName.indexOf('/', open)) - 1);
    }

    /** The vertex's parallelism, or 1 when the name has no subtask suffix. */
    public static int parallelism(String threadName) {
        int open = suffixStart(threadName);
        if (open < 0) {
            return 1;
        }
        int slash = threadName.indexOf('/', open);
        return Math.max(1, parse(threadName, slash + 1, threadName.indexOf(')', slash)));
    }

    /**
     * The task's first operator, e.g. {@code SortAggregate} for
     * {@code "SortAggregate[5] -> Sink: Collect (2/4)#0"}: letters and digits up to the first other
     * character. Flink's operator type names, not user data.
     */
    public static String operator(String threadName) {
        int end = 0;
        while (end < threadName.length() && end < HistoryFormat.MAX_TEXT_CHARS
                && Character.isLetterOrDigit(threadName.charAt(end))) {
            end++;
        }
        return end == 0 ? "-" : threadName.substring(0, end);
    }

    private static int parse(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || n > 100_000_000) {
                return 0;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}

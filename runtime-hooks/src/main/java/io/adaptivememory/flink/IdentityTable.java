package io.adaptivememory.flink;

import java.lang.ref.WeakReference;

/**
 * A map from object identity to a value, read without locks or allocation from task threads.
 *
 * <p>Keys are Flink objects the agent cannot add fields to (a retransformed class keeps its
 * shape), so per-instance state lives here. Open addressing over a power-of-two array that is
 * replaced, never mutated, on insertion: readers see either the old or the new array, both
 * complete. Keys are weak, so a budget the agent forgot to remove cannot keep a slot's Flink
 * objects alive; entries whose key was collected are dropped when the table is rebuilt.
 * Entries stay after a slot closes, so late calls still find the (closed) account.
 */
final class IdentityTable<V> {

    private static final class Entry<V> {
        final WeakReference<Object> key;
        final int hash;
        final V value;

        Entry(Object key, int hash, V value) {
            this.key = new WeakReference<>(key);
            this.hash = hash;
            this.value = value;
        }
    }

    private volatile Entry<V>[] table = newArray(64);
    private int size;

    @SuppressWarnings("unchecked")
    private static <V> Entry<V>[] newArray(int n) {
        return (Entry<V>[]) new Entry<?>[n];
    }

    V get(Object key) {
        if (key == null) {
            return null;
        }
        Entry<V>[] t = table;
        int mask = t.length - 1;
        int i = System.identityHashCode(key) & mask;
        Entry<V> e;
        while ((e = t[i]) != null) {
            if (e.key.get() == key) {
                return e.value;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds the key unless present; returns the value now associated with it. */
    synchronized V putIfAbsent(Object key, V value) {
        V existing = get(key);
        if (existing != null) {
            return existing;
        }
        Entry<V>[] old = table;
        int live = 0;
        for (Entry<V> e : old) {
            if (e != null && e.key.get() != null) {
                live++;
            }
        }
        int capacity = old.length;
        while ((live + 1) * 2 > capacity) {
            capacity *= 2;
        }
        Entry<V>[] next = newArray(capacity);
        for (Entry<V> e : old) {
            if (e != null && e.key.get() != null) {
                insert(next, e);
            }
        }
        insert(next, new Entry<>(key, System.identityHashCode(key), value));
        size = live + 1;
        table = next;
        return value;
    }

    private static <V> void insert(Entry<V>[] t, Entry<V> e) {
        int mask = t.length - 1;
        int i = e.hash & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = e;
    }

    synchronized int size() {
        return size;
    }
}

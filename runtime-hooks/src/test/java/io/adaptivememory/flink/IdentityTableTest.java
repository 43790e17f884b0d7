package io.adaptivememory.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

class IdentityTableTest {

    /** The table's first array; growth is tested well past it. */
    private static final int INITIAL_CAPACITY = 64;
    private static final int GC_ATTEMPTS = 20;

    /** Equal to every other instance, with one hash code: only identity tells them apart. */
    private static final class EqualKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof EqualKey;
        }

        @Override
        public int hashCode() {
            return 42;
        }
    }

    @Test
    void get_emptyTable_null() {
        assertNull(new IdentityTable<String>().get(new Object()));
    }

    @Test
    void putIfAbsent_newKey_returnsValueAndGetFindsIt() {
        IdentityTable<String> table = new IdentityTable<>();
        Object key = new Object();

        assertEquals("v", table.putIfAbsent(key, "v"));

        assertEquals("v", table.get(key));
        assertEquals(1, table.size());
    }

    @Test
    void putIfAbsent_presentKey_keepsFirstValue() {
        IdentityTable<String> table = new IdentityTable<>();
        Object key = new Object();
        String first = table.putIfAbsent(key, "first");

        String second = table.putIfAbsent(key, "second");

        assertSame(first, second);
        assertEquals("first", table.get(key));
        assertEquals(1, table.size());
    }

    @Test
    void get_equalButDistinctKeys_distinctEntries() {
        IdentityTable<String> table = new IdentityTable<>();
        EqualKey a = new EqualKey();
        EqualKey b = new EqualKey();
        assertEquals(a, b);

        table.putIfAbsent(a, "a");
        table.putIfAbsent(b, "b");

        assertEquals("a", table.get(a));
        assertEquals("b", table.get(b));
        assertNull(table.get(new EqualKey()));
        assertEquals(2, table.size());
    }

    @Test
    void get_equalStringsOfDifferentIdentity_notFound() {
        IdentityTable<String> table = new IdentityTable<>();
        String key = new String("budget");
        table.putIfAbsent(key, "v");

        assertNull(table.get(new String("budget")));
        assertEquals("v", table.get(key));
    }

    @Test
    void putIfAbsent_farPastInitialCapacity_everyKeyStillFound() {
        IdentityTable<Integer> table = new IdentityTable<>();
        List<Object> keys = new ArrayList<>();
        int n = 16 * INITIAL_CAPACITY;
        for (int i = 0; i < n; i++) {
            Object key = new Object();
            keys.add(key);
            assertEquals(i, table.putIfAbsent(key, i));
            assertEquals(i + 1, table.size());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, table.get(keys.get(i)));
        }
        assertNull(table.get(new Object()));
    }

    @Test
    void putIfAbsent_afterKeysCollected_rebuildDropsTheirEntries() {
        IdentityTable<String> table = new IdentityTable<>();
        Object survivor = new Object();
        table.putIfAbsent(survivor, "survivor");
        int dropped = INITIAL_CAPACITY;
        List<WeakReference<Object>> probes = putUnreachableKeys(table, dropped);
        assertEquals(dropped + 1, table.size());

        for (int i = 0; i < GC_ATTEMPTS && !allCleared(probes); i++) {
            System.gc();
            byte[][] pressure = new byte[64][];
            for (int j = 0; j < pressure.length; j++) {
                pressure[j] = new byte[16 * 1024];
            }
        }
        Assumptions.assumeTrue(allCleared(probes), "the GC did not clear the weak keys; nothing to check");

        Object newcomer = new Object();
        table.putIfAbsent(newcomer, "newcomer");

        assertEquals(2, table.size());
        assertEquals("survivor", table.get(survivor));
        assertEquals("newcomer", table.get(newcomer));
    }

    @Test
    void putIfAbsent_keyStillReachable_entryKept() {
        IdentityTable<String> table = new IdentityTable<>();
        Object kept = new Object();
        table.putIfAbsent(kept, "kept");
        System.gc();

        table.putIfAbsent(new Object(), "other");

        assertEquals("kept", table.get(kept));
        assertEquals(2, table.size());
    }

    /** Adds keys that nothing but the table (weakly) and the returned probes refer to. */
    private static List<WeakReference<Object>> putUnreachableKeys(IdentityTable<String> table, int n) {
        List<WeakReference<Object>> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object key = new Object();
            table.putIfAbsent(key, "gone" + i);
            probes.add(new WeakReference<>(key));
        }
        return probes;
    }

    private static boolean allCleared(List<WeakReference<Object>> probes) {
        for (WeakReference<Object> p : probes) {
            if (p.get() != null) {
                return false;
            }
        }
        return true;
    }
}

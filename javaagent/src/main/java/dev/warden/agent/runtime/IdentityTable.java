package dev.warden.agent.runtime;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * A map from objects (by identity, weakly held) to Warden's side data about them: the SQL a
 * statement was prepared with, the pending call of an {@code HttpURLConnection}, the caller's
 * context of a JDK HTTP exchange. Instrumented classes cannot get a field for this: classes that
 * are retransformed may not change shape. Entries disappear when their key is collected.
 *
 * <p>Thread-safe: sixteen independently locked segments. A lookup takes one short lock and
 * allocates nothing (a per-thread probe stands in for the key).
 */
public final class IdentityTable<V> {
    private static final int SEGMENTS = 16;
    private final Segment<V>[] segments;
    private final int maxPerSegment;

    @SuppressWarnings("unchecked")
    public IdentityTable(int maxEntries) {
        segments = new Segment[SEGMENTS];
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment<>();
        }
        maxPerSegment = Math.max(16, maxEntries / SEGMENTS);
    }

    private Segment<V> segment(int hash) {
        return segments[(hash ^ (hash >>> 16)) & (SEGMENTS - 1)];
    }

    public V get(Object key) {
        if (key == null) {
            return null;
        }
        int h = System.identityHashCode(key);
        Segment<V> s = segment(h);
        Probe probe = Probe.LOCAL.get();
        probe.set(key, h);
        try {
            synchronized (s) {
                return s.map.get(probe);
            }
        } finally {
            probe.set(null, 0);
        }
    }

    public void put(Object key, V value) {
        if (key == null) {
            return;
        }
        int h = System.identityHashCode(key);
        Segment<V> s = segment(h);
        synchronized (s) {
            s.expunge();
            if (s.map.size() >= maxPerSegment) {
                // bounded: a leak of keys (statements never closed) must not grow without limit
                s.map.clear();
            }
            s.map.put(new WeakKey(key, h, s.queue), value);
        }
    }

    public V remove(Object key) {
        if (key == null) {
            return null;
        }
        int h = System.identityHashCode(key);
        Segment<V> s = segment(h);
        Probe probe = Probe.LOCAL.get();
        probe.set(key, h);
        try {
            synchronized (s) {
                return s.map.remove(probe);
            }
        } finally {
            probe.set(null, 0);
        }
    }

    public int size() {
        int n = 0;
        for (Segment<V> s : segments) {
            synchronized (s) {
                s.expunge();
                n += s.map.size();
            }
        }
        return n;
    }

    private static final class Segment<V> {
        final Map<Object, V> map = new HashMap<>();
        final ReferenceQueue<Object> queue = new ReferenceQueue<>();

        void expunge() {
            Object ref;
            while ((ref = queue.poll()) != null) {
                map.remove(ref);
            }
        }
    }

    /** Keys compare by referent identity; a cleared key equals only itself. */
    private interface Keyed {
        Object referent();
    }

    private static final class WeakKey extends WeakReference<Object> implements Keyed {
        private final int hash;

        WeakKey(Object key, int hash, ReferenceQueue<Object> q) {
            super(key, q);
            this.hash = hash;
        }

        @Override
        public Object referent() {
            return get();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Keyed)) {
                return false;
            }
            Object mine = get();
            return mine != null && mine == ((Keyed) o).referent();
        }
    }

    private static final class Probe implements Keyed {
        static final ThreadLocal<Probe> LOCAL = ThreadLocal.withInitial(Probe::new);
        private Object key;
        private int hash;

        void set(Object k, int h) {
            key = k;
            hash = h;
        }

        @Override
        public Object referent() {
            return key;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keyed && ((Keyed) o).referent() == key && key != null;
        }
    }
}

package dev.floodgate.runtime.operator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A small bounded map whose entries end after a fixed time; the least recently used goes when full. Synchronized:
 * operator traffic is a few requests a second, and a lock is simpler than being clever.
 */
final class ExpiringCache<K, V> {
    private record Slot<V>(V value, long expiresAtMillis) {
    }

    private final long ttlMillis;
    private final Map<K, Slot<V>> entries;

    ExpiringCache(long ttlMillis, int maxEntries) {
        this.ttlMillis = ttlMillis;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    synchronized Optional<V> get(K key, long nowMillis) {
        Slot<V> e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.expiresAtMillis() <= nowMillis) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    synchronized void put(K key, V value, long nowMillis) {
        entries.put(key, new Slot<>(value, nowMillis + ttlMillis));
    }

    synchronized void remove(K key) {
        entries.remove(key);
    }

    synchronized void removeIf(Predicate<V> which) {
        entries.values().removeIf(e -> which.test(e.value()));
    }
}

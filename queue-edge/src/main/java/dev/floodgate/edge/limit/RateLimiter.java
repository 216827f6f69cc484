package dev.floodgate.edge.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (a fan id, a client address): {@code perSecond} refill, {@code burst} capacity. In memory
 * on each edge (a fan behind a load balancer spread over n edges gets at most n times the rate; the bound that
 * matters, the grid's load, still holds). At most {@code maxKeys} buckets: beyond that, idle (full) buckets go
 * first, then everything (a flood of distinct keys resets the limits rather than exhausting memory).
 */
public final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long atNanos;

        Bucket(double tokens, long atNanos) {
            this.tokens = tokens;
            this.atNanos = atNanos;
        }
    }

    public RateLimiter(double perSecond, int burst, int maxKeys) {
        this(perSecond, burst, maxKeys, System::nanoTime);
    }

    RateLimiter(double perSecond, int burst, int maxKeys, LongSupplier nanos) {
        if (perSecond <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate limits need a positive rate, burst and key count");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanos = nanos;
    }

    /** Takes one token for {@code key}: 0 when allowed, else the milliseconds until one is available. */
    public long acquire(String key) {
        long now = nanos.getAsLong();
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
            evict(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.atNanos) * perNano);
            bucket.atNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e6));
        }
    }

    private void evict(long now) {
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().tokens + (now - e.getValue().atNanos) * perNano >= burst;
            }
        });
        if (buckets.size() >= maxKeys) {
            buckets.clear();
        }
    }
}

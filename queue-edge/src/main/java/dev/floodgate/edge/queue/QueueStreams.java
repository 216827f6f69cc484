package dev.floodgate.edge.queue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.edge.token.TokenIssuer;
import dev.floodgate.grid.queue.QueueState;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live status by Server-Sent Events. Each edge keeps its own streams; one ticker per edge reads each watched
 * event's state once per {@code pushInterval} (one grid call, whatever the number of streams) and sends every fan
 * whose view changed a {@code status} event. News that must reach fans at once (sold out or back, pause, resume,
 * close, settings) goes over a grid topic to every edge, which pushes that event's streams immediately.
 *
 * <p>A stream sends the current status first, then changes, a comment every {@code heartbeat} (so proxies keep it
 * and dead clients are noticed), and ends after ADMITTED (the event carries the token), ADMISSION_EXPIRED or CLOSED,
 * or after {@code maxLifetime} (the client reconnects; {@code retry} tells it when).
 */
public final class QueueStreams implements AutoCloseable {
    public static final String NEWS_TOPIC = "floodgate-queue-news";
    private static final System.Logger LOG = System.getLogger(QueueStreams.class.getName());

    private final WaitingRoom room;
    private final TokenIssuer tokens;
    private final QueueMetrics metrics;
    private final PollAdvice advice;
    private final Duration heartbeat;
    private final Duration maxLifetime;
    private final int maxStreams;
    private final ITopic<String> news;
    private final UUID listener;
    private final ScheduledExecutorService ticker;
    private final Map<String, Set<Subscriber>> byEvent = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    private static final class Subscriber {
        final String fanId;
        final long ticket;
        final BlockingQueue<FanPlace> updates = new LinkedBlockingQueue<>();
        volatile FanPlace last;

        Subscriber(String fanId, long ticket) {
            this.fanId = fanId;
            this.ticket = ticket;
        }
    }

    public QueueStreams(WaitingRoom room, TokenIssuer tokens, QueueMetrics metrics, HazelcastInstance hz,
                        Duration pushInterval, Duration heartbeat, Duration maxLifetime, int maxStreams,
                        PollAdvice advice) {
        this.advice = advice;
        this.room = room;
        this.tokens = tokens;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.maxLifetime = maxLifetime;
        this.maxStreams = maxStreams;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "queue-stream-ticker");
            t.setDaemon(true);
            return t;
        });
        this.news = hz.getTopic(NEWS_TOPIC);
        this.listener = news.addMessageListener(m -> {
            room.forget(m.getMessageObject());
            wake(m.getMessageObject());
        });
        room.onNews(news::publish);
        ticker.scheduleWithFixedDelay(this::tickAll, pushInterval.toMillis(), pushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Streams the fan's status until one of the ends above; runs on the request's (virtual) thread. */
    public void stream(ServerResponse res, String eventId, String fanId) {
        Integer ticket = room.ticketOf(eventId, fanId);
        if (ticket == null) {
            throw ApiException.notFound("you have not joined this event's queue");
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw ApiException.tooManyRequests("this server holds as many streams as it can: poll the status "
                    + "instead, or retry", 5);
        }
        Subscriber me = new Subscriber(fanId, ticket);
        byEvent.computeIfAbsent(eventId, k -> ConcurrentHashMap.newKeySet()).add(me);
        try {
            QueueState state = room.advance(eventId);
            if (state == null) {
                throw ApiException.notFound("no queue for this event");
            }
            me.last = room.view(state, ticket, room.now());
            res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store");
            res.header("X-Accel-Buffering", "no");
            long deadline = System.nanoTime() + maxLifetime.toNanos();
            int id = 0;
            try (SseSink sink = res.sink(SseSink.TYPE)) {
                FanPlace next = me.last;
                while (true) {
                    if (next != null) {
                        sink.emit(event(eventId, fanId, next, ++id));
                        if (next.state().terminal() || next.state() == FanPlace.FanState.ADMITTED) {
                            return;
                        }
                    } else {
                        sink.emit(SseEvent.builder().comment("keep-alive").build());
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    next = me.updates.poll(Math.min(left, heartbeat.toNanos()), TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // The client went away (a write failed): nothing to answer.
            LOG.log(System.Logger.Level.DEBUG, "queue stream ended: " + e);
        } finally {
            Set<Subscriber> set = byEvent.get(eventId);
            if (set != null) {
                set.remove(me);
                if (set.isEmpty()) {
                    byEvent.remove(eventId, set);
                }
            }
            open.decrementAndGet();
        }
    }

    private SseEvent event(String eventId, String fanId, FanPlace place, int id) {
        return SseEvent.builder().name("status").id(Integer.toString(id)).reconnectDelay(Duration.ofSeconds(3))
                .data(QueueView.of(eventId, fanId, place, tokens, metrics, advice).json()).build();
    }

    /** Streams open on this edge. */
    public int openStreams() {
        return open.get();
    }

    private void wake(String eventId) {
        if (byEvent.containsKey(eventId) && !ticker.isShutdown()) {
            ticker.execute(() -> tick(eventId));
        }
    }

    private void tickAll() {
        for (String eventId : byEvent.keySet()) {
            tick(eventId);
        }
    }

    private void tick(String eventId) {
        Set<Subscriber> subscribers = byEvent.get(eventId);
        if (subscribers == null || subscribers.isEmpty()) {
            return;
        }
        try {
            QueueState state = room.advance(eventId);
            if (state == null) {
                return;
            }
            long now = room.now();
            for (Subscriber s : subscribers) {
                FanPlace place = room.view(state, s.ticket, now);
                if (changed(s.last, place)) {
                    s.last = place;
                    s.updates.offer(place);
                }
            }
        } catch (RuntimeException e) {
            // Fail closed: a fan never gets more than the last good status; the next tick tries again.
            LOG.log(System.Logger.Level.WARNING, "queue stream tick failed for " + eventId + ": " + e);
        }
    }

    private static boolean changed(FanPlace before, FanPlace after) {
        return before == null || before.state() != after.state()
                || !Objects.equals(before.place(), after.place())
                || !Objects.equals(before.fansAhead(), after.fansAhead())
                || !Objects.equals(before.estimatedWaitSeconds(), after.estimatedWaitSeconds())
                || !Objects.equals(before.chance(), after.chance());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            news.removeMessageListener(listener);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "news listener not removed: " + e);
        }
    }
}

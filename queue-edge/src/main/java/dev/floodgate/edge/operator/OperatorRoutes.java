package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.fan.SessionStore;
import dev.floodgate.edge.queue.WaitingRoom;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.history.FigureSample;
import dev.floodgate.grid.history.FiguresHistory;
import dev.floodgate.grid.inventory.CapacityChange;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.runtime.operator.Operator;
import dev.floodgate.runtime.operator.OperatorAccess;
import dev.floodgate.runtime.operator.OperatorAccountRoutes;
import dev.floodgate.runtime.operator.OperatorAuth;
import dev.floodgate.runtime.operator.Role;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * The operator API under {@code /api/operator}, all of it behind {@link OperatorAuth} (sign-in, accounts and the
 * audit trail come from service-runtime's {@link OperatorAccountRoutes}). Viewers read figures; operators move
 * queues and change admission settings; admins create events and change capacities and seats. Every change is
 * written to the audit trail with the state before and after.
 */
public final class OperatorRoutes {
    /** An event with 50 categories is ~10 KiB of JSON; explicit seat numbers take more. */
    static final int MAX_EVENT_BODY_BYTES = 64 * 1024;
    static final int MAX_SEAT_EDIT_BODY_BYTES = 48 * 1024;
    static final int MAX_SETTINGS_BODY_BYTES = 512;

    private final OperatorAccess operators;
    private final Catalog catalog;
    private final Inventory inventory;
    private final WaitingRoom room;
    private final QueueSettings defaults;
    private final SessionStore sessions;
    private final FiguresHistory history;
    private final long sampleEveryMillis;

    public OperatorRoutes(OperatorAccess operators, Catalog catalog, Inventory inventory, WaitingRoom room,
                          QueueSettings defaults, SessionStore sessions, FiguresHistory history,
                          long sampleEveryMillis) {
        this.operators = operators;
        this.history = history;
        this.sampleEveryMillis = sampleEveryMillis;
        this.sessions = sessions;
        this.catalog = catalog;
        this.inventory = inventory;
        this.room = room;
        this.defaults = defaults;
    }

    public void routes(HttpRouting.Builder routing) {
        OperatorAccountRoutes.withAccountsAndAudit(operators).register(routing);
        routing.post("/api/operator/events", this::createEvent);
        routing.post("/api/operator/events/{eventId}/queue/{action}", this::move);
        routing.put("/api/operator/events/{eventId}/queue/settings", this::settings);
        routing.put("/api/operator/events/{eventId}/queue/schedule", this::schedule);
        routing.get("/api/operator/events/{eventId}/figures", this::figures);
        routing.get("/api/operator/events/{eventId}/history", this::history);
        routing.put("/api/operator/events/{eventId}/categories/{categoryId}", this::changeCapacity);
        routing.post("/api/operator/events/{eventId}/categories/{categoryId}/seats", this::changeSeats);
        routing.delete("/api/operator/fans/{fanId}/sessions", this::revokeSessions);
    }

    /** Ends every session of a fan (a stolen account): no renewal from then on; access tokens run out by themselves. */
    private void revokeSessions(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.OPERATOR);
        java.util.UUID fanId = Ids.uuid(req.path().pathParameters().get("fanId"), "fanId");
        sessions.revokeAllOfKnownFan(fanId, "operator").orElseThrow(() -> ApiException.notFound("no such fan"));
        operators.record(who, "fan.revoke-sessions", "fan:" + fanId, null, java.util.Map.of("sessionsRevoked", true));
        res.status(204).send();
    }

    /**
     * Adds seats to and removes seats from one section of a seated category, all or nothing: removed seats must be
     * available (neither held nor sold), added ones new. Sections themselves are fixed once the event exists.
     */
    private void changeSeats(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String categoryId = Ids.slug(req.path().pathParameters().get("categoryId"), "categoryId");
        SeatEdit body = JsonHttp.read(req, SeatEdit.class, MAX_SEAT_EDIT_BODY_BYTES);
        StockCounters before = inventory.counters(eventId, categoryId);
        Inventory.SeatChange change;
        try {
            change = inventory.changeSeats(eventId, categoryId, body.add(), body.remove());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "add");
        }
        switch (change.outcome()) {
            case DONE -> {
                operators.record(who, "category.seats", "event:" + eventId + "/category:" + categoryId, before,
                        java.util.Map.of("counters", change.counters(), "added", body.add() == null ? java.util.List.of()
                                : body.add(), "removed", body.remove() == null ? java.util.List.of() : body.remove()));
                JsonHttp.ok(res, change.counters());
            }
            case NOT_FOUND -> throw ApiException.notFound("no such event or category");
            case NOT_SEATED -> throw ApiException.conflict(
                    "this category is general admission: change its capacity instead");
            case BAD_SEATS -> throw ApiException.of(409, "no such section, seat to remove or new seat: "
                    + String.join(", ", change.seats()), "seats");
            case NOT_AVAILABLE -> throw ApiException.of(409, "held, sold or unknown, so not removed: "
                    + String.join(", ", change.seats()), "remove");
        }
    }

    /** Capacity can be raised at any time, and lowered only down to what is held or sold (409 names the minimum). */
    private void changeCapacity(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String categoryId = Ids.slug(req.path().pathParameters().get("categoryId"), "categoryId");
        CapacityEdit body = JsonHttp.read(req, CapacityEdit.class, 256);
        StockCounters before = inventory.counters(eventId, categoryId);
        CapacityChange change = inventory.changeCapacity(eventId, categoryId, body.capacity());
        switch (change.outcome()) {
            case DONE -> {
                operators.record(who, "category.capacity", "event:" + eventId + "/category:" + categoryId, before,
                        change.counters());
                JsonHttp.ok(res, change.counters());
            }
            case NOT_FOUND -> throw ApiException.notFound("no such event or category");
            case TOO_LOW -> throw ApiException.of(409, "capacity cannot go below " + change.minimum()
                    + " (units held or sold)", "capacity");
            case SEATED -> throw ApiException.of(409, "a seated category's capacity is its seat count: add or"
                    + " remove seats (POST .../categories/" + categoryId + "/seats)", "capacity");
        }
    }

    private void createEvent(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        CreateEvent body = JsonHttp.read(req, CreateEvent.class, MAX_EVENT_BODY_BYTES);
        EventInfo event;
        try {
            event = body.toEventInfo();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        // Order: catalog first (the 409 guard), then stock and queue, both create-if-absent so a retry after a
        // crash in between could complete them (a retry gets 409 today: see the report's rough edges).
        if (!catalog.add(event)) {
            throw ApiException.conflict("an event with this id exists");
        }
        inventory.stock(event);
        QueueSettings queue = body.queue() == null ? defaults : body.queue();
        room.create(event.eventId(), queue.ratePerMinute(), queue.batchSize(),
                queue.activeCap() == null ? 0 : queue.activeCap());
        QueueState created = room.state(event.eventId()).orElseThrow();
        operators.record(who, "event.create", "event:" + event.eventId(), null, body);
        res.header("Location", "/api/events/" + event.eventId());
        JsonHttp.created(res, new EventCreated(event.eventId(), QueueAdminView.of(created, room.now())));
    }

    private void move(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.OPERATOR);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        QueueStatus target = switch (req.path().pathParameters().get("action")) {
            case "open", "resume" -> QueueStatus.OPEN;
            case "pause" -> QueueStatus.PAUSED;
            case "close" -> QueueStatus.CLOSED;
            default -> throw ApiException.notFound("no such queue action");
        };
        String action = req.path().pathParameters().get("action");
        QueueState before = room.state(eventId).orElseThrow(() -> ApiException.notFound("no queue for this event"));
        if (action.equals("resume") && before.status() == QueueStatus.PRE_QUEUE) {
            throw ApiException.conflict("the queue has not been opened yet");
        }
        if (action.equals("open") && before.status() == QueueStatus.PAUSED) {
            throw ApiException.conflict("the queue is paused: resume it").withCode(ErrorCode.QUEUE_PAUSED);
        }
        QueueState after = room.move(eventId, target);
        operators.record(who, "queue." + action, "event:" + eventId, QueueControls.of(before), QueueControls.of(after));
        JsonHttp.ok(res, QueueAdminView.of(after, room.now()));
    }

    private void settings(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.OPERATOR);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        QueueSettings body = JsonHttp.read(req, QueueSettings.class, MAX_SETTINGS_BODY_BYTES);
        QueueControls before = room.state(eventId).map(QueueControls::of).orElse(null);
        QueueState after = room.changeSettings(eventId, body.ratePerMinute(), body.batchSize(), body.activeCap());
        operators.record(who, "queue.settings", "event:" + eventId, before, QueueControls.of(after));
        JsonHttp.ok(res, QueueAdminView.of(after, room.now()));
    }

    private void schedule(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.OPERATOR);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        QueueSchedule body = JsonHttp.read(req, QueueSchedule.class, MAX_SETTINGS_BODY_BYTES);
        QueueControls before = room.state(eventId).map(QueueControls::of).orElse(null);
        QueueState after = room.schedule(eventId, body.opensAt());
        operators.record(who, "queue.schedule", "event:" + eventId, before, QueueControls.of(after));
        JsonHttp.ok(res, QueueAdminView.of(after, room.now()));
    }

    private void figures(ServerRequest req, ServerResponse res) {
        OperatorAuth.require(req, Role.VIEWER);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        EventInfo event = catalog.find(eventId).orElseThrow(() -> ApiException.notFound("no such event"));
        QueueState q = room.state(eventId).orElseThrow(() -> ApiException.notFound("no queue for this event"));
        StockCounters stock = inventory.counters(event);
        long now = room.now();
        JsonHttp.ok(res, new Figures(eventId, q.status().name(), q.joined(), q.waiting(), q.admittedUpTo(),
                q.active(now), Math.round(q.measuredRatePerSecond(now) * 600) / 10.0, q.left(),
                room.unboundPlaces(eventId),
                stock.available(), stock.held(), stock.sold(), stock.capacity(), q.awaitingTake(now),
                q.ratePerMinute(), q.batchSize(), q.activeCap()));
    }

    /** The last {@code minutes} (1..60, default 60) of sampled figures and the sell-out forecast, for the charts. */
    private void history(ServerRequest req, ServerResponse res) {
        OperatorAuth.require(req, Role.VIEWER);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        int minutes = req.query().first("minutes").asOptional()
                .map(t -> number(t, "minutes", 1, FiguresHistory.HISTORY_MINUTES))
                .orElse(FiguresHistory.HISTORY_MINUTES);
        catalog.find(eventId).orElseThrow(() -> ApiException.notFound("no such event"));
        long from = room.now() - minutes * 60_000L;
        List<FigureSample> samples = history.read(eventId).stream().filter(s -> s.atMillis() >= from).toList();
        JsonHttp.ok(res, new FiguresHistoryView(eventId, minutes, sampleEveryMillis,
                samples.stream().map(FiguresHistoryView.Point::of).toList(),
                SellOutForecast.of(samples, SellOutForecast.DEFAULT_WINDOW_MINUTES)));
    }

    private static int number(String text, String field, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest(field + " must be " + min + ".." + max, field);
    }
}

package dev.floodgate.edge.hold;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.token.TokenGuard;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.inventory.Inventory;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Holds for admitted fans under {@code /api/events/{eventId}/holds}. Taking a hold needs an admission token for the
 * event; reading or releasing one's own hold takes either the admission token or the fan token. Another fan's hold
 * answers 404, exactly like a hold that does not exist: hold ids are derived from fan and request ids, and a 403
 * would confirm to a prober that a guessed hold exists.
 */
public final class HoldRoutes {
    static final int MAX_BODY_BYTES = 1024;
    private static final System.Logger LOG = System.getLogger(HoldRoutes.class.getName());

    private final Catalog catalog;
    private final Inventory inventory;
    private final TokenGuard guard;
    private final BiConsumer<String, String> tookStock;

    /** @param tookStock told (event id, fan id) after each hold that went through, once the fan has the answer */
    public HoldRoutes(Catalog catalog, Inventory inventory, TokenGuard guard, BiConsumer<String, String> tookStock) {
        this.catalog = catalog;
        this.inventory = inventory;
        this.guard = guard;
        this.tookStock = tookStock;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/events/{eventId}/holds", this::take);
        routing.get("/api/events/{eventId}/holds/{holdId}", this::read);
        routing.delete("/api/events/{eventId}/holds/{holdId}", this::release);
    }

    private void take(ServerRequest req, ServerResponse res) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String fanId = guard.admission(req, eventId);
        HoldRequest body = JsonHttp.read(req, HoldRequest.class, MAX_BODY_BYTES);
        EventInfo event = catalog.find(eventId).orElseThrow(() -> ApiException.notFound("no such event"));
        CategoryInfo category = event.category(body.categoryId())
                .orElseThrow(() -> ApiException.of(404, "no such category in this event", "categoryId"));
        if (body.quantity() > event.maxPerFan()) {
            throw ApiException.badRequest("at most " + event.maxPerFan() + " tickets per fan",
                    body.seats() == null ? "quantity" : "seats");
        }
        if (body.seats() != null && !category.seated()) {
            throw ApiException.badRequest("this category has no numbered seats: ask for a quantity", "seats");
        }
        Duration ttl = Duration.ofMillis(event.holdTtlMillis());
        // A quantity of a seated category is best available (see Inventory): side by side in one row if possible.
        HoldResult result = body.seats() == null
                ? inventory.hold(eventId, body.categoryId(), fanId, body.requestId(), body.quantity(), ttl)
                : inventory.holdSeats(eventId, body.categoryId(), fanId, body.requestId(), body.seats(), ttl);
        switch (result.outcome()) {
            case DONE -> {
                JsonHttp.created(res, HoldView.of(result.hold()));
                tellTook(eventId, fanId);
            }
            case NOT_ENOUGH_STOCK -> throw ApiException.conflict(category.seated()
                    ? "sold out: no " + body.quantity() + " seats left together in one section"
                    : "sold out: not enough tickets left in this category for " + body.quantity())
                    .withCode(ErrorCode.SOLD_OUT);
            case SEAT_TAKEN -> throw ApiException.of(409, "not available (held or sold): "
                    + String.join(", ", result.seats()), "seats").withCode(ErrorCode.SEAT_TAKEN);
            case UNKNOWN_SEAT -> throw ApiException.of(404, "no such seat in this category: "
                    + String.join(", ", result.seats()), "seats");
            case NOT_FOUND -> throw ApiException.notFound("this category has no stock on sale");
            case NOT_YOURS, WRONG_STATE -> throw ApiException.conflict(
                    "this request id was already used for a different hold");
            case LIMIT_REACHED -> throw ApiException.conflict(
                    "at most " + event.maxPerFan() + " tickets per fan in this event, holds in progress included")
                    .withCode(ErrorCode.PER_FAN_LIMIT);
        }
    }

    /** After the answer went out: the queue's bookkeeping never delays nor fails a hold. */
    private void tellTook(String eventId, String fanId) {
        try {
            tookStock.accept(eventId, fanId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not tell the queue that a fan took stock in " + eventId, e);
        }
    }

    private void read(ServerRequest req, ServerResponse res) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String fanId = guard.fanOrAdmission(req, eventId);
        JsonHttp.ok(res, HoldView.of(own(eventId, req.path().pathParameters().get("holdId"), fanId)));
    }

    private void release(ServerRequest req, ServerResponse res) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String fanId = guard.fanOrAdmission(req, eventId);
        String holdId = req.path().pathParameters().get("holdId");
        own(eventId, holdId, fanId);
        HoldResult result = inventory.release(eventId, holdId, fanId);
        switch (result.outcome()) {
            case DONE, NOT_FOUND -> res.status(204).send();
            case NOT_YOURS -> throw notFound();
            case WRONG_STATE -> throw ApiException.conflict("this hold is in checkout or sold and cannot be released")
                    .withCode(ErrorCode.HOLD_UNAVAILABLE);
            case NOT_ENOUGH_STOCK -> throw new IllegalStateException("release answered NOT_ENOUGH_STOCK");
        }
    }

    private Hold own(String eventId, String holdId, String fanId) {
        Hold hold = inventory.find(eventId, holdId).orElse(null);
        if (hold == null || !hold.fanId().equals(fanId)) {
            throw notFound();
        }
        return hold;
    }

    private static ApiException notFound() {
        return ApiException.notFound("no such hold").withCode(ErrorCode.HOLD_NOT_FOUND);
    }
}

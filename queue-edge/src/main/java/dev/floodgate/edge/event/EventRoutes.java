package dev.floodgate.edge.event;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.inventory.Inventory;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * Public event pages: {@code GET /api/events} and {@code GET /api/events/{eventId}}, with live counters. Each read
 * reads every stripe of every category (no cache yet: a later issue should cache these for a second or so).
 */
public final class EventRoutes {
    /** The list is not paged yet; it shows at most this many events. */
    public static final int MAX_LISTED = 100;

    private final Catalog catalog;
    private final Inventory inventory;
    private final SeatMap seatMaps;

    /** {@code seatMapMaxAge}: how old a seat map may be when served (rebuilt at most this often per category). */
    public EventRoutes(Catalog catalog, Inventory inventory, java.time.Duration seatMapMaxAge) {
        this.catalog = catalog;
        this.inventory = inventory;
        this.seatMaps = new SeatMap(inventory, seatMapMaxAge.toMillis(), System::currentTimeMillis);
    }

    public void routes(HttpRouting.Builder routing) {
        routing.get("/api/events", this::list);
        routing.get("/api/events/{eventId}", this::one);
        routing.get("/api/events/{eventId}/categories/{categoryId}/seats", this::seats);
    }

    /** The seat map of a seated category (public, like the event; at most {@code seatMapMaxAge} old). */
    private void seats(ServerRequest req, ServerResponse res) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        String categoryId = Ids.slug(req.path().pathParameters().get("categoryId"), "categoryId");
        EventInfo event = catalog.find(eventId).orElseThrow(() -> ApiException.notFound("no such event"));
        CategoryInfo category = event.category(categoryId)
                .orElseThrow(() -> ApiException.of(404, "no such category in this event", "categoryId"));
        if (!category.seated()) {
            throw ApiException.of(404, "this category has no numbered seats (general admission)", "categoryId");
        }
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(seatMaps.json(eventId, categoryId));
    }

    private void list(ServerRequest req, ServerResponse res) {
        JsonHttp.ok(res, catalog.all().stream().limit(MAX_LISTED).map(this::view).toList());
    }

    private void one(ServerRequest req, ServerResponse res) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        EventInfo event = catalog.find(eventId).orElseThrow(() -> ApiException.notFound("no such event"));
        JsonHttp.ok(res, view(event));
    }

    private EventView view(EventInfo event) {
        List<EventView.CategoryView> categories = event.categories().stream()
                .map(c -> EventView.CategoryView.of(c, inventory.counters(event.eventId(), c.categoryId())))
                .toList();
        return EventView.of(event, categories);
    }
}

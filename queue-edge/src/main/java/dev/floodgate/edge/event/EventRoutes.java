package dev.floodgate.edge.event;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.inventory.Inventory;
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

    public EventRoutes(Catalog catalog, Inventory inventory) {
        this.catalog = catalog;
        this.inventory = inventory;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.get("/api/events", this::list);
        routing.get("/api/events/{eventId}", this::one);
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

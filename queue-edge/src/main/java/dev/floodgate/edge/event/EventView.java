package dev.floodgate.edge.event;

import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.stripe.StockCounters;

import java.time.Instant;
import java.util.List;

/** An event as fans see it: {@code GET /api/events} (a list of these) and {@code GET /api/events/{eventId}}. */
public record EventView(String eventId, String name, Instant startsAt, int maxPerFan, long holdTtlSeconds,
                        List<CategoryView> categories) {

    /**
     * A category with its price (minor units, e.g. cents) and live stock counters; {@code seated}: numbered seats
     * (its map at {@code .../categories/{categoryId}/seats}), else general admission.
     */
    public record CategoryView(String categoryId, String name, long priceMinor, String currency, int capacity,
                               int available, int held, int sold, boolean seated) {
        static CategoryView of(CategoryInfo category, StockCounters counters) {
            return new CategoryView(category.categoryId(), category.name(), category.priceMinor(),
                    category.currency(), category.capacity(), counters.available(), counters.held(), counters.sold(),
                    category.seated());
        }
    }

    public static EventView of(EventInfo event, List<CategoryView> categories) {
        return new EventView(event.eventId(), event.name(), Instant.ofEpochMilli(event.startsAtEpochMillis()),
                event.maxPerFan(), event.holdTtlMillis() / 1000, categories);
    }
}

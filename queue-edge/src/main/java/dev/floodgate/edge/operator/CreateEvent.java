package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;

import java.time.Instant;
import java.util.List;

/**
 * {@code POST /api/operator/events} body. {@code queue} is optional (the configured defaults apply).
 * Every limit is checked here with the offending field named; {@link EventInfo} re-checks its own invariants.
 */
public record CreateEvent(String eventId, String name, Instant startsAt, int maxPerFan, long holdTtlSeconds,
                          List<Category> categories, QueueSettings queue) {

    public record Category(String categoryId, String name, int capacity, long priceMinor, String currency) {
    }

    public CreateEvent {
        Ids.slug(eventId, "eventId");
        requireName(name, "name");
        if (startsAt == null) {
            throw ApiException.badRequest("is required (ISO-8601 instant)", "startsAt");
        }
        if (maxPerFan < 1 || maxPerFan > EventInfo.MAX_PER_FAN_LIMIT) {
            throw ApiException.badRequest("must be 1.." + EventInfo.MAX_PER_FAN_LIMIT, "maxPerFan");
        }
        if (holdTtlSeconds < 1 || holdTtlSeconds > EventInfo.MAX_HOLD_TTL_MILLIS / 1000) {
            throw ApiException.badRequest("must be 1.." + EventInfo.MAX_HOLD_TTL_MILLIS / 1000, "holdTtlSeconds");
        }
        if (categories == null || categories.isEmpty() || categories.size() > EventInfo.MAX_CATEGORIES) {
            throw ApiException.badRequest("1.." + EventInfo.MAX_CATEGORIES + " categories are required", "categories");
        }
        categories = List.copyOf(categories);
        for (int i = 0; i < categories.size(); i++) {
            Category c = categories.get(i);
            String at = "categories[" + i + "].";
            if (c == null) {
                throw ApiException.badRequest("must not be null", "categories[" + i + "]");
            }
            Ids.slug(c.categoryId(), at + "categoryId");
            requireName(c.name(), at + "name");
            if (c.capacity() < 0 || c.capacity() > CategoryInfo.MAX_CAPACITY) {
                throw ApiException.badRequest("must be 0.." + CategoryInfo.MAX_CAPACITY, at + "capacity");
            }
            if (c.priceMinor() <= 0 || c.priceMinor() > 100_000_000L) {
                throw ApiException.badRequest("must be 1..100000000 (minor units)", at + "priceMinor");
            }
            if (c.currency() == null || !c.currency().matches("[A-Z]{3}")) {
                throw ApiException.badRequest("must be an ISO-4217 code such as EUR", at + "currency");
            }
        }
        if (categories.stream().map(Category::categoryId).distinct().count() != categories.size()) {
            throw ApiException.badRequest("category ids must be unique within an event", "categories");
        }
    }

    private static void requireName(String name, String field) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiException.badRequest("must be 1-200 characters", field);
        }
    }

    EventInfo toEventInfo() {
        return new EventInfo(eventId, name, startsAt.toEpochMilli(), maxPerFan, holdTtlSeconds * 1000,
                categories.stream().map(c -> new CategoryInfo(c.categoryId(), c.name(), c.capacity(), c.priceMinor(),
                        c.currency())).toList());
    }
}

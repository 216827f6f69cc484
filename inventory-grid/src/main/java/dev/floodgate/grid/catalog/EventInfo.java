package dev.floodgate.grid.catalog;

import dev.floodgate.contracts.http.Ids;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * An event on sale: its categories, the most units one fan may hold, and how long a hold lasts.
 */
public record EventInfo(String eventId, String name, long startsAtEpochMillis, int maxPerFan, long holdTtlMillis,
                        List<CategoryInfo> categories) {
    public static final int MAX_CATEGORIES = 50;
    public static final int MAX_PER_FAN_LIMIT = 20;
    public static final long MAX_HOLD_TTL_MILLIS = 60 * 60_000L;

    public EventInfo {
        if (!Ids.isSlug(eventId)) {
            throw new IllegalArgumentException("event id must be 1-64 lower-case letters, digits or dashes");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("event name must be 1-200 characters");
        }
        if (maxPerFan < 1 || maxPerFan > MAX_PER_FAN_LIMIT) {
            throw new IllegalArgumentException("max per fan must be 1.." + MAX_PER_FAN_LIMIT);
        }
        if (holdTtlMillis < 1_000 || holdTtlMillis > MAX_HOLD_TTL_MILLIS) {
            throw new IllegalArgumentException("hold time must be between 1 second and 1 hour");
        }
        categories = List.copyOf(categories);
        if (categories.isEmpty() || categories.size() > MAX_CATEGORIES) {
            throw new IllegalArgumentException("an event needs 1.." + MAX_CATEGORIES + " categories");
        }
        if (new HashSet<>(categories.stream().map(CategoryInfo::categoryId).toList()).size() != categories.size()) {
            throw new IllegalArgumentException("category ids must be unique within an event");
        }
    }

    /** This event with every category's stripe count settled (see {@link CategoryInfo#withStripesFor}). */
    public EventInfo withStripesFor(int defaultStripes) {
        return new EventInfo(eventId, name, startsAtEpochMillis, maxPerFan, holdTtlMillis,
                categories.stream().map(c -> c.withStripesFor(defaultStripes)).toList());
    }

    /** This event with {@code category} in place of the category of the same id. */
    public EventInfo withCategory(CategoryInfo category) {
        return new EventInfo(eventId, name, startsAtEpochMillis, maxPerFan, holdTtlMillis, categories.stream()
                .map(c -> c.categoryId().equals(category.categoryId()) ? category : c).toList());
    }

    public Optional<CategoryInfo> category(String categoryId) {
        return categories.stream().filter(c -> c.categoryId().equals(categoryId)).findFirst();
    }
}

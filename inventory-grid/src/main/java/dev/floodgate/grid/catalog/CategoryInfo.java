package dev.floodgate.grid.catalog;

import dev.floodgate.contracts.http.Ids;

/** A general-admission category of an event: how many units exist and what one costs (minor units). */
public record CategoryInfo(String categoryId, String name, int capacity, long priceMinor, String currency) {
    public static final int MAX_CAPACITY = 1_000_000;

    public CategoryInfo {
        if (!Ids.isSlug(categoryId)) {
            throw new IllegalArgumentException("category id must be 1-64 lower-case letters, digits or dashes");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("category name must be 1-200 characters");
        }
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("category capacity must be 0.." + MAX_CAPACITY);
        }
        if (priceMinor <= 0) {
            throw new IllegalArgumentException("category price must be positive");
        }
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be an ISO-4217 code such as EUR");
        }
    }
}

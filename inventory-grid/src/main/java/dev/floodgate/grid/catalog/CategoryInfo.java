package dev.floodgate.grid.catalog;

import dev.floodgate.contracts.http.Ids;

/**
 * A category of an event: how many units exist and what one costs (minor units). General admission (any units)
 * unless it has a {@link Seating}: then its units are numbered seats, its capacity is its seat count and its stripes
 * are its sections (one grid entry each).
 *
 * @param stripes how many grid entries share the category's stock; fixed once the catalog has the category (0 in an
 *                event not yet added: {@link Catalog#add} then picks it, see {@link #withStripesFor})
 * @param seating the numbered seats, or null for general admission
 */
public record CategoryInfo(String categoryId, String name, int capacity, long priceMinor, String currency,
                           int stripes, Seating seating) {
    public static final int MAX_CAPACITY = 1_000_000;
    public static final int MAX_STRIPES = 64;
    /** Below this many units per stripe, a category gets fewer stripes than the default. */
    public static final int MIN_UNITS_PER_STRIPE = 50;

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
        if (stripes < 0 || stripes > MAX_STRIPES) {
            throw new IllegalArgumentException("stripes must be 0.." + MAX_STRIPES);
        }
        if (seating != null) {
            if (capacity != seating.seatCount()) {
                throw new IllegalArgumentException("a seated category's capacity is its seat count ("
                        + seating.seatCount() + ")");
            }
            if (stripes != 0 && stripes != seating.sections().size()) {
                throw new IllegalArgumentException("a seated category has one stripe per section");
            }
        }
    }

    /** A general-admission category. */
    public CategoryInfo(String categoryId, String name, int capacity, long priceMinor, String currency, int stripes) {
        this(categoryId, name, capacity, priceMinor, currency, stripes, null);
    }

    /** A general-admission category whose stripe count the catalog picks when the event is added. */
    public CategoryInfo(String categoryId, String name, int capacity, long priceMinor, String currency) {
        this(categoryId, name, capacity, priceMinor, currency, 0, null);
    }

    /** A seated category: capacity = seat count, one stripe per section. */
    public static CategoryInfo seated(String categoryId, String name, long priceMinor, String currency,
                                      Seating seating) {
        return new CategoryInfo(categoryId, name, seating.seatCount(), priceMinor, currency,
                seating.sections().size(), seating);
    }

    public boolean seated() {
        return seating != null;
    }

    /**
     * This category with its stripe count settled: kept if set, else {@code defaultStripes} but no more than one
     * stripe per {@value #MIN_UNITS_PER_STRIPE} units (a 10-seat category is not worth striping). Seated: one per
     * section.
     */
    public CategoryInfo withStripesFor(int defaultStripes) {
        if (stripes > 0) {
            return this;
        }
        if (seating != null) {
            return new CategoryInfo(categoryId, name, capacity, priceMinor, currency, seating.sections().size(),
                    seating);
        }
        int n = Math.max(1, Math.min(defaultStripes, capacity / MIN_UNITS_PER_STRIPE));
        return new CategoryInfo(categoryId, name, capacity, priceMinor, currency, Math.min(n, MAX_STRIPES));
    }

    public CategoryInfo withCapacity(int newCapacity) {
        if (seating != null) {
            throw new IllegalStateException("a seated category's capacity follows its seats");
        }
        return new CategoryInfo(categoryId, name, newCapacity, priceMinor, currency, stripes);
    }

    /** This seated category with other seats (same sections): its capacity follows. */
    public CategoryInfo withSeating(Seating newSeating) {
        return new CategoryInfo(categoryId, name, newSeating.seatCount(), priceMinor, currency, stripes, newSeating);
    }
}

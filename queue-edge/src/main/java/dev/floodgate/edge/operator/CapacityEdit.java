package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.grid.catalog.CategoryInfo;

/** {@code PUT /api/operator/events/{id}/categories/{categoryId}} body: the category's new capacity. */
public record CapacityEdit(int capacity) {
    public CapacityEdit {
        if (capacity < 0 || capacity > CategoryInfo.MAX_CAPACITY) {
            throw ApiException.badRequest("must be 0.." + CategoryInfo.MAX_CAPACITY, "capacity");
        }
    }
}

package dev.floodgate.runtime.operator;

import dev.floodgate.contracts.error.ApiException;

import java.util.Locale;

/**
 * What an operator may do, each role including the ones before it: a viewer reads figures and lists; an operator
 * also moves queues and changes admission settings; an admin also creates events, changes capacities, seats and
 * signing keys, and manages operator accounts.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    /** As stored and sent: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text, String field) {
        if (text != null) {
            for (Role r : values()) {
                if (r.wire().equals(text)) {
                    return r;
                }
            }
        }
        throw ApiException.badRequest("role must be viewer, operator or admin", field);
    }
}

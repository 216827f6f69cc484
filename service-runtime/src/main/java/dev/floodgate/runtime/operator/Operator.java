package dev.floodgate.runtime.operator;

/** A signed-in operator: who made a request, for role checks and the audit trail. */
public record Operator(long accountId, String username, Role role) {
}

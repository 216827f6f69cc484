package dev.floodgate.runtime.operator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One operator change: who, when, on which service, what, on what, and the state before and after (JSON). */
public record AuditEntry(long id, Instant at, String operator, String service, String action, String target,
                         JsonNode before, JsonNode after) {
}

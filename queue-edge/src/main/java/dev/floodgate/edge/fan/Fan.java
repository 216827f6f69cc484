package dev.floodgate.edge.fan;

/** A stored fan; {@code email} is lower-case. */
public record Fan(String fanId, String email, String passwordHash, String displayName) {
}

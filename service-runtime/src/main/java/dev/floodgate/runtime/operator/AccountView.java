package dev.floodgate.runtime.operator;

/** An operator account as the account API shows it (never its password hash). */
public record AccountView(String username, String role, boolean disabled) {
}

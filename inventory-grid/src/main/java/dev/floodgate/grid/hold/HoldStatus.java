package dev.floodgate.grid.hold;

/** A hold's life: held by a fan, in checkout while payment is pending, then sold. Released holds disappear. */
public enum HoldStatus {
    HELD,
    IN_CHECKOUT,
    SOLD
}

package dev.floodgate.grid.stripe;

/**
 * What a donor stripe answered to a request for units: how many it gave now ({@code given}, 0 when it had none) and
 * every transfer to that receiver still waiting to be confirmed, the new one included, to deliver in one go.
 */
public record Lent(int given, long[] seqs, int[] units) {
    public static Lent none() {
        return new Lent(0, new long[0], new int[0]);
    }
}

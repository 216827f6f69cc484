package dev.floodgate.grid.queue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The verifiable pre-queue shuffle: a swap-or-not shuffle (Hoang, Morris, Rogaway 2012) keyed by a 32-byte seed,
 * in the exact form of the Ethereum consensus specification's {@code compute_shuffled_index} with 90 rounds and
 * SHA-256, so anyone can recompute it from the published seed with an independent implementation.
 *
 * <p>Fans who joined before opening hold tickets 1..n (join order). At opening, ticket {@code t} gets place
 * {@code shuffledIndex(t - 1, n, seed) + 1}. For each round r = 0..89:
 * <pre>
 *   pivot    = uint64_le(SHA256(seed || byte(r))[0..8]) mod n
 *   flip     = (pivot + n - index) mod n
 *   position = max(index, flip)
 *   source   = SHA256(seed || byte(r) || uint32_le(position / 256))
 *   bit      = (source[(position mod 256) / 8] >> (position mod 8)) &amp; 1
 *   index    = bit == 1 ? flip : index
 * </pre>
 * Each round is an involution on 0..n-1, so the whole is a permutation; computing one place costs 90 (+90 pivot)
 * hashes and needs nothing but the seed and n (no list is stored anywhere).
 */
public final class Shuffle {
    public static final int ROUNDS = 90;
    public static final String ALGORITHM = "swap-or-not/sha256/90 (Ethereum consensus compute_shuffled_index)";
    public static final int SEED_BYTES = 32;

    private final byte[] seed;
    private final long n;
    private final long[] pivots = new long[ROUNDS];

    public Shuffle(byte[] seed, long n) {
        if (seed == null || seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("seed must be " + SEED_BYTES + " bytes");
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("n must be 1.." + Integer.MAX_VALUE);
        }
        this.seed = seed.clone();
        this.n = n;
        MessageDigest sha = sha256();
        for (int r = 0; r < ROUNDS; r++) {
            sha.update(this.seed);
            sha.update((byte) r);
            pivots[r] = Long.remainderUnsigned(
                    ByteBuffer.wrap(sha.digest(), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(), n);
        }
    }

    /** The 0-based place of 0-based {@code index}. */
    public long shuffledIndex(long index) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("index out of range");
        }
        MessageDigest sha = sha256();
        byte[] block = new byte[4];
        for (int r = 0; r < ROUNDS; r++) {
            long flip = Math.floorMod(pivots[r] + n - index, n);
            long position = Math.max(index, flip);
            sha.update(seed);
            sha.update((byte) r);
            ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (position / 256));
            sha.update(block);
            byte[] source = sha.digest();
            int bit = (source[(int) ((position % 256) / 8)] >> (position % 8)) & 1;
            if (bit == 1) {
                index = flip;
            }
        }
        return index;
    }

    /**
     * Every place at once: {@code places[t - 1]} is the 1-based place of ticket t. Hashes each (round, 256-block)
     * once, so n = 200,000 costs ~70,000 hashes rather than 36 million.
     */
    public int[] places() {
        int size = (int) n;
        int[] index = new int[size];
        for (int i = 0; i < size; i++) {
            index[i] = i;
        }
        MessageDigest sha = sha256();
        int blocks = (size + 255) / 256;
        byte[] blockBytes = new byte[4];
        for (int r = 0; r < ROUNDS; r++) {
            byte[][] sources = new byte[blocks][];
            for (int i = 0; i < size; i++) {
                int current = index[i];
                int flip = (int) Math.floorMod(pivots[r] + n - current, n);
                int position = Math.max(current, flip);
                int b = position / 256;
                if (sources[b] == null) {
                    sha.update(seed);
                    sha.update((byte) r);
                    ByteBuffer.wrap(blockBytes).order(ByteOrder.LITTLE_ENDIAN).putInt(b);
                    sha.update(blockBytes);
                    sources[b] = sha.digest();
                }
                if (((sources[b][(position % 256) / 8] >> (position % 8)) & 1) == 1) {
                    index[i] = flip;
                }
            }
        }
        for (int i = 0; i < size; i++) {
            index[i] += 1;
        }
        return index;
    }

    /** Hex SHA-256 of the seed: the commitment published before opening. */
    public static String commitment(byte[] seed) {
        return HexFormat.of().formatHex(sha256().digest(seed));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

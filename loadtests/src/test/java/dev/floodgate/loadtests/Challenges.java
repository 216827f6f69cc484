package dev.floodgate.loadtests;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Solves the queue's join challenge ({@code sha256-leading-zero-bits}): the smallest decimal nonce such that
 * SHA-256(challenge + ":" + nonce) starts with at least {@code bits} zero bits. Expected work 2^bits hashes, paid by
 * the visitor's device (here the injector's CPU, which is why {@link DropSettings#MAX_CHALLENGE_BITS} caps it).
 */
final class Challenges {
    static final String ALGORITHM = "sha256-leading-zero-bits";

    private Challenges() {
    }

    static String solve(String challenge, int bits) {
        if (bits <= 0) {
            return "0";
        }
        if (bits > DropSettings.MAX_CHALLENGE_BITS) {
            throw new IllegalArgumentException("challenge of " + bits + " bits is above floodgate.maxChallengeBits ("
                    + DropSettings.MAX_CHALLENGE_BITS + ")");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] prefix = (challenge + ":").getBytes(StandardCharsets.UTF_8);
        for (long nonce = 0; ; nonce++) {
            sha.update(prefix);
            sha.update(Long.toString(nonce).getBytes(StandardCharsets.US_ASCII));
            if (leadingZeroBits(sha.digest()) >= bits) {
                return Long.toString(nonce);
            }
        }
    }

    static int leadingZeroBits(byte[] digest) {
        int bits = 0;
        for (byte b : digest) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }
}

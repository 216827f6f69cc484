package dev.floodgate.engines.pulsar;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Pulsar's token format for a symmetric secret: a JWT signed with HMAC-SHA256, subject = the role, no expiry (what
 * {@code pulsar tokens create --secret-key} makes). Only role names of letters, digits, '-', '_' and '.'.
 */
public final class Hs256 {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Hs256() {
    }

    public static String token(String role, byte[] secret) {
        if (!role.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("role names are letters, digits, '.', '_' and '-'");
        }
        String header = B64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = B64.encodeToString(("{\"sub\":\"" + role + "\"}").getBytes(StandardCharsets.UTF_8));
        String input = header + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

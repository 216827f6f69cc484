package dev.floodgate.worker.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Checks a callback's signature header {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} (the scheme the
 * provider simulator signs with, like common processors'): the MAC must match in constant time and the timestamp be
 * within the tolerance, so a captured callback cannot be replayed much later.
 */
public final class WebhookSignature {
    private final byte[] secret;
    private final long toleranceSeconds;
    private final Clock clock;

    private static final java.util.regex.Pattern SECONDS = java.util.regex.Pattern.compile("[0-9]{1,12}");

    public WebhookSignature(String secret, long toleranceSeconds, Clock clock) {
        if (secret.length() < 16) {
            throw new IllegalArgumentException("provider.webhook-secret must have 16+ characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    public boolean verify(String header, byte[] body) {
        if (header == null || header.length() > 512) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || !SECONDS.matcher(t).matches()) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - Long.parseLong(t)) > toleranceSeconds) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(mac(t, body)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
    }

    /** HMAC-SHA256 over {@code t + "." + body}. */
    public byte[] mac(String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

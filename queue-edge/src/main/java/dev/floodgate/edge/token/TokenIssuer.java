package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.VerifiedToken;
import dev.floodgate.runtime.token.Audiences;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Signs the edge's tokens with the current key: ES256, {@code kid} in the header, issuer, audience, expiry. */
public final class TokenIssuer {
    private final Supplier<SigningKeys> keys;
    private final String issuer;
    private final Duration fanTtl;
    private final Clock clock;
    private final BiConsumer<String, VerifiedToken> fanTokenIssued;
    /** The admission token last made for each (event, fan): re-read on every status poll of an admitted fan. */
    private final Map<String, Admission> admissions = new ConcurrentHashMap<>();

    /** An admission token as made, with the key that signed it (a rotation makes a new one). */
    private record Admission(String kid, IssuedToken token) {
    }

    /** Admission tokens kept for re-use; when full it starts over (each fan's next read signs one again). */
    static final int MAX_KEPT_ADMISSIONS = 100_000;

    public TokenIssuer(SigningKeys keys, String issuer, Duration fanTtl, Clock clock) {
        this(() -> keys, issuer, fanTtl, clock);
    }

    /** Signing with whatever key is current when a token is made (rotation). */
    public TokenIssuer(Supplier<SigningKeys> keys, String issuer, Duration fanTtl, Clock clock) {
        this(keys, issuer, fanTtl, clock, (token, verified) -> {
        });
    }

    /**
     * @param fanTokenIssued told of every fan, place and admission token made here with what verifying it would
     *                       answer (the edge's verified-token cache: the fan's first join on this edge, and a hold
     *                       with an admission made here, then need no signature check)
     */
    public TokenIssuer(Supplier<SigningKeys> keys, String issuer, Duration fanTtl, Clock clock,
                       BiConsumer<String, VerifiedToken> fanTokenIssued) {
        this.fanTokenIssued = fanTokenIssued;
        this.keys = keys;
        this.issuer = issuer;
        this.fanTtl = fanTtl;
        this.clock = clock;
    }

    /** A fan's session token: audience {@link Audiences#FAN}, subject the fan id. */
    public IssuedToken fanToken(String fanId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedToken issued = sign(fanId, Audiences.FAN, null, now, now.plus(fanTtl));
        fanTokenIssued.accept(issued.token(), new VerifiedToken(fanId, Audiences.FAN, issued.expiresAt(), Map.of()));
        return issued;
    }

    /**
     * An anonymous place in one event's queue: audience {@link Audiences#PLACE}, subject the place id, claim
     * {@code event}, valid for {@code ttl} (a wait can be long; the place itself ends when it is bound or yields).
     */
    public IssuedToken placeToken(String placeId, String eventId, Duration ttl) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedToken issued = sign(placeId, Audiences.PLACE, eventId, now, now.plus(ttl));
        fanTokenIssued.accept(issued.token(), new VerifiedToken(placeId, Audiences.PLACE, issued.expiresAt(),
                Map.of(Audiences.EVENT_CLAIM, eventId)));
        return issued;
    }

    /**
     * An admission to one event: audience {@link Audiences#ADMISSION}, subject the fan id, claim {@code event}.
     * The expiry is fixed by the caller (when the fan was admitted plus the admission window), so re-issuing the
     * token on every status read never extends it. The same admission (fan, event, expiry) under the same signing
     * key gets the same token back: an admitted fan polling their status costs no ES256 signature per read, and the
     * token is in the edge's verified cache from the start, so their holds cost no signature check here either.
     */
    public IssuedToken admissionToken(String fanId, String eventId, Instant expiresAt) {
        Instant expires = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        String kid = keys.get().currentKid();
        String key = eventId + '\n' + fanId;
        Admission kept = admissions.get(key);
        if (kept != null && kept.kid().equals(kid) && kept.token().expiresAt().equals(expires)) {
            return kept.token();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedToken issued = sign(fanId, Audiences.ADMISSION, eventId, now, expires);
        fanTokenIssued.accept(issued.token(), new VerifiedToken(fanId, Audiences.ADMISSION, issued.expiresAt(),
                Map.of(Audiences.EVENT_CLAIM, eventId)));
        if (admissions.size() >= MAX_KEPT_ADMISSIONS) {
            admissions.clear();
        }
        admissions.put(key, new Admission(kid, issued));
        return issued;
    }

    private IssuedToken sign(String subject, String audience, String eventId, Instant now, Instant expiresAt) {
        SigningKeys current = keys.get();
        Jwt.Builder jwt = Jwt.builder()
                .algorithm(SigningKeys.ALGORITHM)
                .keyId(current.currentKid())
                .type("JWT")
                .issuer(issuer)
                .subject(subject)
                .addAudience(audience)
                .issueTime(now)
                .expirationTime(expiresAt)
                .jwtId(UUID.randomUUID().toString());
        if (eventId != null) {
            jwt.addPayloadClaim(Audiences.EVENT_CLAIM, eventId);
        }
        return new IssuedToken(SignedJwt.sign(jwt.build(), current.signingKey()).tokenContent(), expiresAt);
    }
}

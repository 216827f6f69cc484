package dev.floodgate.runtime.token;

/**
 * Checks a compact JWS issued by the edge. Any service can implement this from the public keys at
 * {@code /.well-known/jwks.json} alone; the edge's own implementation is {@link JwkTokenVerifier}.
 * Implementations fail closed: anything unexpected while verifying is a {@link TokenRejected}.
 */
public interface TokenVerifier {
    /**
     * @param token    the compact token (header.payload.signature)
     * @param audience the audience the caller expects ({@link Audiences})
     * @return the verified token
     * @throws TokenRejected bad signature, unknown key id, algorithm other than ES256, expired, wrong issuer or
     *                       audience, missing subject, or malformed
     */
    VerifiedToken verify(String token, String audience);
}

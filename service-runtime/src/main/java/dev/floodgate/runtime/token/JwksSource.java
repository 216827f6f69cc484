package dev.floodgate.runtime.token;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how {@link RemoteJwks} fetches an issuer's public keys.
 *
 * @param name       for logs and the 503's message, e.g. {@code identity provider 'acme'}
 * @param url        the JWKS URL (http or https)
 * @param timeout    longest a fetch may take (connect plus answer)
 * @param refresh    keys older than this are refetched on the next use (the old ones serve meanwhile)
 * @param minRefetch least time between two fetches: unknown {@code kid}s refetch at most this often
 * @param maxStale   keys not refreshed for this long are no longer used (fail closed while the issuer is down)
 */
public record JwksSource(String name, URI url, Duration timeout, Duration refresh, Duration minRefetch,
                         Duration maxStale) {
}

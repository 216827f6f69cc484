package dev.floodgate.runtime.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The proxies (config {@code limits.trusted-proxies}: CIDRs, IPv4 or IPv6) allowed to say who the client is, and how
 * the client's address is found from what they say.
 *
 * <p>{@code X-Forwarded-For} is a chain every hop appends its peer to, so only its right end is worth anything: the
 * left-most entries are whatever the client wrote. The client is therefore the right-most address of the chain
 * (with the socket peer appended) that is not a trusted proxy. A peer that is not trusted is the client whatever its
 * headers say, so with no trusted proxies (the default) the header is ignored entirely. Only the last
 * {@value #MAX_HEADER_CHARS} characters of the header are read (the right end is the part that matters), and entries
 * that are not IP literals (obfuscated identifiers, {@code unknown}, garbage) are skipped; names are never resolved.
 *
 * <p>The standard {@code Forwarded} header (RFC 7239) is ignored on purpose: reading two headers lets a client write
 * the one its proxy does not manage, so the deployment's proxy must set {@code X-Forwarded-For}.
 */
public final class TrustedProxies {
    /** How much of the header is read, from its right end: dozens of hops, far more than any real chain. */
    public static final int MAX_HEADER_CHARS = 1024;

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> cidrs;

    private TrustedProxies(List<Cidr> cidrs) {
        this.cidrs = List.copyOf(cidrs);
    }

    /** Trusts nobody: the socket peer is the client. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses CIDRs ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare address is a single host).
     *
     * @throws IllegalArgumentException naming the first entry that is not a CIDR, so a typo stops the start
     */
    public static TrustedProxies of(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(Cidr.parse(cidr));
        }
        return parsed.isEmpty() ? NONE : new TrustedProxies(parsed);
    }

    /**
     * From a config node holding a list of CIDRs, or one comma-separated value (handy in an environment variable; a
     * value wins over a list, as an override over the file's list). Missing: {@link #none()}.
     */
    public static TrustedProxies from(io.helidon.config.Config node) {
        List<String> entries = node.hasValue()
                ? node.asString().map(value -> List.of(value.split(","))).orElse(List.of())
                : node.asList(String.class).orElse(List.of());
        return of(entries.stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList());
    }

    /**
     * The client of a request: the socket peer, or, when the peer is a trusted proxy, the right-most address of its
     * {@code X-Forwarded-For} chain that is not one (see {@link #clientAddress(String, List)}).
     */
    public String clientOf(io.helidon.webserver.http.ServerRequest req) {
        String peer = peer(req);
        if (isEmpty()) {
            return peer;
        }
        return clientAddress(peer, req.headers().all(io.helidon.http.HeaderNames.X_FORWARDED_FOR, List::of));
    }

    /** The socket peer as an IP literal (never a host name, which would need a lookup to compare). */
    private static String peer(io.helidon.webserver.http.ServerRequest req) {
        if (req.remotePeer().address() instanceof java.net.InetSocketAddress socket && socket.getAddress() != null) {
            return socket.getAddress().getHostAddress();
        }
        return req.remotePeer().host();
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    /** Whether {@code address} (an IP literal) is within a trusted CIDR. */
    public boolean trusts(String address) {
        return literal(address).map(this::trusts).orElse(false);
    }

    private boolean trusts(InetAddress address) {
        for (Cidr cidr : cidrs) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the socket {@code peer} itself unless it is trusted, else the right-most entry of
     * {@code forwardedFor} (every {@code X-Forwarded-For} line, in order) that is not trusted. When every hop is
     * trusted, the left-most one read.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        InetAddress peerAddress = literal(peer).orElse(null);
        if (peerAddress == null || !trusts(peerAddress) || forwardedFor.isEmpty()) {
            return peerAddress == null ? peer : peerAddress.getHostAddress();
        }
        String chain = String.join(",", forwardedFor);
        if (chain.length() > MAX_HEADER_CHARS) {
            // The cut-off first entry is partial: dropped by the split below unless it happens to parse.
            chain = chain.substring(chain.length() - MAX_HEADER_CHARS);
            int comma = chain.indexOf(',');
            chain = comma < 0 ? "" : chain.substring(comma + 1);
        }
        String[] hops = chain.split(",");
        InetAddress client = peerAddress;
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(stripPort(hops[i].trim()));
            if (hop.isEmpty()) {
                continue;
            }
            client = hop.get();
            if (!trusts(client)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    /** {@code [2001:db8::1]:4711} and {@code 192.0.2.1:4711} as some proxies write them, without the port. */
    private static String stripPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 ? entry : entry.substring(1, close);
        }
        int colon = entry.indexOf(':');
        return colon > 0 && entry.indexOf(':', colon + 1) < 0 ? entry.substring(0, colon) : entry;
    }

    /** An IP literal, never a name lookup: anything else is empty. */
    static Optional<InetAddress> literal(String given) {
        String text = given;
        if (text != null && text.length() > 2 && text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text != null && text.indexOf('%') > 0) {
            text = text.substring(0, text.indexOf('%')); // an IPv6 zone: the same host for a limit
        }
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        try {
            if (text.indexOf(':') >= 0) {
                // Hex digits, colons and dots only (an embedded IPv4), starting with a hex digit or a colon: java.net
                // parses those as a literal and never looks a name up.
                if (Character.digit(text.charAt(0), 16) < 0 && text.charAt(0) != ':') {
                    return Optional.empty();
                }
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                        return Optional.empty();
                    }
                }
                return Optional.of(InetAddress.getByName(text));
            }
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return Optional.empty();
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) value;
            }
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return cidrs.toString();
    }

    /** A network: its address bytes with the host bits cleared, and the prefix length. */
    private record Cidr(byte[] network, int prefixBits, String text) {
        static Cidr parse(String text) {
            String trimmed = text == null ? "" : text.trim();
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            InetAddress parsed = literal(address).orElseThrow(() -> notACidr(text));
            byte[] bytes = parsed.getAddress();
            int bits;
            if (slash < 0) {
                bits = bytes.length * 8;
            } else {
                String prefix = trimmed.substring(slash + 1);
                if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
                    throw notACidr(text);
                }
                bits = Integer.parseInt(prefix);
                if (bits > bytes.length * 8) {
                    throw notACidr(text);
                }
            }
            return new Cidr(mask(bytes, bits), bits, trimmed);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            return bytes.length == network.length && Arrays.equals(mask(bytes, prefixBits), network);
        }

        private static byte[] mask(byte[] bytes, int bits) {
            byte[] masked = bytes.clone();
            for (int i = 0; i < masked.length; i++) {
                int keep = Math.clamp(bits - i * 8L, 0, 8);
                masked[i] = (byte) (masked[i] & (0xFF << (8 - keep)));
            }
            return masked;
        }

        private static IllegalArgumentException notACidr(String text) {
            return new IllegalArgumentException("limits.trusted-proxies: '" + text
                    + "' is not a CIDR (an IPv4 or IPv6 address, optionally /prefix-length, e.g. 10.0.0.0/8)");
        }

        @Override
        public String toString() {
            return text;
        }
    }
}

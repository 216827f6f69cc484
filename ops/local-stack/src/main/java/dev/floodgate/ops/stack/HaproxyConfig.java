package dev.floodgate.ops.stack;

import java.util.Map;

/** The local cluster's HAProxy configuration (HAProxy 2.4+; Debian 12 ships 2.6). See {@link LocalCluster}. */
final class HaproxyConfig {
    private HaproxyConfig() {
    }

    static String render(int lbPort, int opsPort, int statsPort, Map<String, Integer> edges,
                         Map<String, Integer> checkouts, Map<String, Integer> workers) {
        StringBuilder b = new StringBuilder();
        b.append("""
                # Written by the local cluster (ops/local-stack LocalCluster) at every start; edits are lost.
                global
                    # Two sockets per proxied connection, 20,000 open files per process on this machine kind.
                    maxconn 9000
                    log stderr format raw local0 warning

                defaults
                    mode http
                    log global
                    option dontlognull
                    timeout connect 2s
                    timeout http-request 10s
                    timeout http-keep-alive 15s
                    timeout queue 10s
                    # The longest ordinary call (a status poll answers at once; a sign-up waits for a hash slot).
                    timeout client 60s
                    timeout server 30s
                    # A request whose server refuses the connection (a dead process) goes to another server.
                    retries 3
                    option redispatch 1
                    # Health: /observe/health every second; a server is out after 3 failures, back after 2 passes.
                    # HTTP/1.1 with a Host (Helidon answers an HTTP/1.0 check 505). A check may take 5 s: without
                    # it the check's timeout is 'inter' (1 s), and at 300 fans busy edges were marked down, their
                    # sessions cut, and the load moved onto the other edge until it went down too. A dead process
                    # refuses connections at once (then 'redispatch'), so no session is cut when a server goes out.
                    option httpchk
                    http-check send meth GET uri /observe/health ver HTTP/1.1 hdr Host localhost
                    http-check expect status 200
                    timeout check 5s
                    default-server inter 1s fall 3 rise 2

                frontend fans
                """);
        b.append("    bind 127.0.0.1:").append(lbPort).append('\n');
        b.append("""
                    # The live queue stream (SSE) stays open up to queue.stream.max-lifetime-millis (5 min), with a
                    # heartbeat every 15 s: the client side may be idle that long.
                    timeout client 330s
                    # The per-address limits of the edge see the real client: only HAProxy sets X-Forwarded-For (a
                    # client's own header is dropped, not appended to).
                    http-request del-header X-Forwarded-For
                    option forwardfor
                    acl orders   path_beg /api/orders
                    acl webhooks path /webhooks/provider
                    acl stream   path_reg ^/api/events/[^/]+/queue/stream$
                    use_backend checkouts if orders
                    use_backend workers if webhooks
                    use_backend edge_streams if stream
                    default_backend edges

                frontend payments_ops
                """);
        b.append("    bind 127.0.0.1:").append(opsPort).append('\n');
        b.append("    default_backend workers\n\n");
        backend(b, "edges", edges, "");
        backend(b, "edge_streams", edges, """
                    # SSE: no response timeout while the stream is open (heartbeats every 15 s, 5 min at most).
                    timeout server 330s
                    timeout tunnel 1h
                """);
        backend(b, "checkouts", checkouts, "");
        backend(b, "workers", workers, "");
        b.append("listen stats\n    bind 127.0.0.1:").append(statsPort).append('\n');
        b.append("""
                    stats enable
                    stats uri /
                    stats refresh 2s
                    stats show-legends
                """);
        return b.toString();
    }

    private static void backend(StringBuilder b, String name, Map<String, Integer> servers, String extra) {
        b.append("backend ").append(name).append('\n');
        b.append("    balance leastconn\n");
        b.append(extra);
        servers.forEach((server, port) ->
                b.append("    server ").append(server).append(" 127.0.0.1:").append(port).append(" check\n"));
        b.append('\n');
    }
}

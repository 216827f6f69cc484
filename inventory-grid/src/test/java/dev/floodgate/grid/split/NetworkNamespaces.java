package dev.floodgate.grid.split;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on this machine, for tests that cut the network: each host is a Linux network namespace with its own IP
 * address on a veth pair whose other end sits on one bridge in the root namespace (which the test's own JVM reaches
 * through the bridge's address). Cutting a host is {@code ip link set <its bridge end> down}: a real partition, no
 * packets either way, no connection reset, exactly what a pulled cable or a dead switch port gives. Needs root and
 * iproute2 ({@code ip}); {@link #available()} says whether this machine has both.
 */
final class NetworkNamespaces implements AutoCloseable {
    private final String tag;
    private final String subnet;
    private final int hosts;
    private final List<String> created = new ArrayList<>();

    private NetworkNamespaces(String tag, String subnet, int hosts) {
        this.tag = tag;
        this.subnet = subnet;
        this.hosts = hosts;
    }

    static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    && new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code hosts} namespaces on 10.231.N.1.. (N drawn so that two runs on one machine do not collide). */
    static NetworkNamespaces create(int hosts) throws IOException, InterruptedException {
        if (hosts < 1 || hosts > 9) {
            throw new IllegalArgumentException("1..9 hosts");
        }
        int n = ThreadLocalRandom.current().nextInt(1, 250);
        String tag = Integer.toString(n, 36) + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
        NetworkNamespaces net = new NetworkNamespaces(tag, "10.231." + n, hosts);
        try {
            net.up();
        } catch (IOException | InterruptedException | RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private void up() throws IOException, InterruptedException {
        ip("link", "add", bridge(), "type", "bridge");
        created.add("bridge");
        ip("addr", "add", subnet + ".254/24", "dev", bridge());
        ip("link", "set", bridge(), "up");
        for (int k = 1; k <= hosts; k++) {
            ip("netns", "add", namespace(k));
            created.add(namespace(k));
            ip("link", "add", outside(k), "type", "veth", "peer", "name", inside(k));
            ip("link", "set", inside(k), "netns", namespace(k));
            ip("link", "set", outside(k), "master", bridge());
            ip("link", "set", outside(k), "up");
            ip("netns", "exec", namespace(k), "ip", "addr", "add", address(k) + "/24", "dev", inside(k));
            ip("netns", "exec", namespace(k), "ip", "link", "set", inside(k), "up");
            ip("netns", "exec", namespace(k), "ip", "link", "set", "lo", "up");
        }
    }

    /** Host {@code k}'s address (k from 1). */
    String address(int k) {
        return subnet + "." + k;
    }

    /** A command run on host {@code k}: {@code ip netns exec <ns> command...}. */
    List<String> onHost(int k, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(k)));
        all.addAll(command);
        return all;
    }

    /** Host {@code k} can no longer reach anyone, nor anyone it. */
    void cut(int k) throws IOException, InterruptedException {
        ip("link", "set", outside(k), "down");
    }

    void heal(int k) throws IOException, InterruptedException {
        ip("link", "set", outside(k), "up");
    }

    @Override
    public void close() {
        // Deleting a namespace deletes its veth pair; then the bridge. Best effort: a leftover must not hide the
        // test's own failure.
        for (int k = hosts; k >= 1; k--) {
            if (created.contains(namespace(k))) {
                quietly("netns", "del", namespace(k));
            }
        }
        if (created.contains("bridge")) {
            quietly("link", "del", bridge());
        }
    }

    private String bridge() {
        return "fgb" + tag;
    }

    private String namespace(int k) {
        return "fg-" + tag + "-h" + k;
    }

    private String outside(int k) {
        return "fgo" + tag + k;
    }

    private String inside(int k) {
        return "fgi" + tag + k;
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }
}

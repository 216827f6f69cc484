package dev.floodgate.engines.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small OS helpers shared by the engines: ports, users, signals, process launching, file trees. */
public final class ProcessSupport {

    /**
     * Every engine process is launched from this one thread, which lives as long as the JVM. A parent-death signal
     * (prctl PDEATHSIG, set by setpriv) fires when the launching <em>thread</em> ends, so launching from a short-lived
     * pool thread would kill the server the moment that thread is retired.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "floodgate-engine-launcher");
        t.setDaemon(true);
        return t;
    });

    private ProcessSupport() {
    }

    public static Process launch(ProcessBuilder builder) throws IOException {
        Future<Process> started = LAUNCHER.submit(builder::start); // submit(): a failure never kills the thread
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while launching " + builder.command(), e);
        }
    }

    /** A port free right now on 127.0.0.1 (another process may still take it before the engine binds it). */
    public static int freePort() {
        // Below Linux's ephemeral range (32768+): the engine binds it later, and meanwhile an outgoing connection of
        // any process could be given an ephemeral port the kernel just reported free.
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(FIRST_CHOSEN_PORT, LAST_CHOSEN_PORT);
            if (portFree(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@link #freePort()} looks first: above the well-known services, below the ephemeral range. */
    static final int FIRST_CHOSEN_PORT = 20_000;
    static final int LAST_CHOSEN_PORT = 32_000;

    public static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Effective uid of this JVM: /proc/self belongs to the process looking at it. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    public static boolean runningAsRoot() {
        return currentUid() == 0;
    }

    /** uid/gid of a system user, or empty if it does not exist. */
    public static Optional<UnixUser> lookupUser(String name) {
        try {
            String uid = run(List.of("id", "-u", name), Duration.ofSeconds(10)).trim();
            String gid = run(List.of("id", "-g", name), Duration.ofSeconds(10)).trim();
            return Optional.of(new UnixUser(name, Integer.parseInt(uid), Integer.parseInt(gid)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public record UnixUser(String name, int uid, int gid) {
    }

    public static boolean onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a short command, returns its output; throws with the output if it fails or overruns. */
    public static String run(List<String> command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            var out = new java.util.concurrent.CompletableFuture<byte[]>();
            Thread.ofVirtual().start(() -> {
                try {
                    out.complete(p.getInputStream().readAllBytes());
                } catch (IOException e) {
                    out.completeExceptionally(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + command);
            }
            String text = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + " from " + command + ": " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read output of " + command, e);
        }
    }

    /** Sends a named signal (INT, TERM, QUIT, KILL...) to a pid; false if the process was already gone. */
    public static boolean signal(long pid, String signal) {
        try {
            run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits for exit; true if the process ended within the timeout. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Kills a process and everything below it, hard. */
    public static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(10));
    }

    public static void chmod(Path path, String perms) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
    }

    public static void chown(Path path, UnixUser user) throws IOException {
        Files.setAttribute(path, "unix:uid", user.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", user.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    public static void chownTree(Path root, UnixUser user) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                chown(p, user);
            }
        }
    }

    /** Deletes a file tree; quiet about files that vanish meanwhile. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Last lines of a log file, for error messages. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }
}

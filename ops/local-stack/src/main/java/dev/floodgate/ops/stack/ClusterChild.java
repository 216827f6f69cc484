package dev.floodgate.ops.stack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The main class of every service process of the local cluster ({@link LocalCluster}): the launcher's logging
 * defaults, then the service's own {@code main} (first argument: its class). The launcher holds this process's stdin
 * open and never writes to it; when it reads end-of-file the launcher is gone (even SIGKILLed), so the service stops
 * as on SIGTERM (its shutdown hooks run), and is halted 20 s later if that hangs. No orphans.
 */
public final class ClusterChild {
    private ClusterChild() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: ClusterChild <main class> [args...]");
        }
        LocalStack.quietLogging();
        Thread watch = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the launcher never writes
                }
            } catch (IOException ignored) {
                // a broken pipe is the same news
            }
            System.err.println("floodgate: launcher gone (stdin closed), stopping");
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException ignored) {
                    // halt anyway
                }
                Runtime.getRuntime().halt(3);
            }, "floodgate-halt-timer");
            halt.setDaemon(true);
            halt.start();
            System.exit(0);
        }, "floodgate-launcher-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (Throwable e) {
            // A service that cannot start must not linger half-started (a grid client's threads keep a JVM up).
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            System.err.println("floodgate: " + args[0] + " could not start: " + cause);
            cause.printStackTrace(System.err);
            System.exit(1);
        }
    }
}

package dev.floodgate.engines.pulsar;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the broker's child JVM. It ties the child's life to its parent's: the parent holds the write end of
 * our stdin, so EOF on stdin means the parent is gone (even after a SIGKILL); a pid poll backs that up. Then the
 * child exits through its shutdown hooks (a clean broker stop), or halts if that hangs. Uses the JDK only: the rest
 * of this module's classes need the shaded Pulsar client, which must not be loaded next to the broker.
 */
public final class PulsarChildMain {

    static final String PARENT_PID_PROPERTY = "floodgate.parentPid";
    static final String TARGET_MAIN = "org.apache.pulsar.PulsarStandaloneStarter";

    private PulsarChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        long parentPid = Long.getLong(PARENT_PID_PROPERTY, -1L);
        daemon("floodgate-stdin-watch", () -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe is the same news as EOF
            }
            parentGone("stdin closed");
        });
        if (parentPid > 0) {
            daemon("floodgate-parent-watch", () -> {
                while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                parentGone("parent pid " + parentPid + " ended");
            });
        }
        try {
            Class.forName(TARGET_MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void parentGone(String why) {
        System.err.println("floodgate: parent JVM gone (" + why + "), stopping the broker");
        daemon("floodgate-halt-timer", () -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(3);
        });
        System.exit(3);
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}

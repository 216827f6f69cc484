package dev.floodgate.grid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags a process running the grid needs (Hazelcast's {@code --add-opens}/{@code --add-exports} and the
 * JDK 24+ ones), read from their one source, {@value #RESOURCE}, for a Java process this one starts (the local
 * cluster's members and services, tests that start grid or stack JVMs). Shell scripts read the same file.
 */
public final class JvmFlags {
    /** On the class path of this module; in the source tree under inventory-grid/src/main/resources. */
    public static final String RESOURCE = "dev/floodgate/grid/jvm-flags.txt";
    private static final Pattern SINCE = Pattern.compile("(\\d+)\\+\\s+(\\S+)");

    private JvmFlags() {
    }

    /** The flags for a JVM of the same Java version as this one. */
    public static List<String> forThisJava() {
        return forJava(Runtime.version().feature());
    }

    /** The flags for a JVM of Java {@code feature} (21, 25...): those marked {@code N+} only when it is N or newer. */
    public static List<String> forJava(int feature) {
        return parse(read(), feature);
    }

    static List<String> parse(String text, int feature) {
        List<String> flags = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher since = SINCE.matcher(line);
            if (since.matches()) {
                if (feature >= Integer.parseInt(since.group(1))) {
                    flags.add(since.group(2));
                }
            } else if (line.contains(" ")) {
                throw new IllegalStateException(RESOURCE + ": one flag a line, value after '=': " + line);
            } else {
                flags.add(line);
            }
        }
        return List.copyOf(flags);
    }

    private static String read() {
        try (InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

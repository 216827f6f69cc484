package dev.floodgate.ops.simulator;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.floodgate.contracts.http.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * SIMULATOR: the {@link Ledger}'s journal on disk, so that the simulated processor keeps its books across restarts
 * as a real one does. One JSON object per line, one line per change ({@link Ledger.Change}: a payment method, a
 * charge or a refund made), appended in the order the ledger made them. Forgetting old entries is not written: the
 * replay applies the ledger's bounds again, which forgets the same ones.
 *
 * <p>Durability by group commit: {@link #append} writes the line (page cache, tens of µs) under the ledger's lock;
 * {@link #awaitDurable} then forces the file outside that lock, and one {@code force} covers every line written before
 * it started. Nobody is answered before their line is forced: a real processor does not acknowledge a charge it
 * could lose. A force costs 0.7-3.4 ms on this project's machines (ext4 on a virtual disk, depending on load), so
 * forcing under the lock would cap the simulator at 300-1,400 charges/s, near what the whole platform pays end to
 * end (261 orders/s). Measured with {@code LedgerJournalBenchmark} (docs/benchmarks.md): journalled, 1 caller
 * 1,689 charges/s and 32 callers 6,208 (load 6.6); at load 10-17, 378-1,434 and 904-2,313.
 *
 * <p>Not thread-safe on its own: {@link #append}, {@link #rewrite} and {@link #truncate} are called under the
 * ledger's lock. Forcing is coordinated by a monitor of its own, which {@link #rewrite} and {@link #truncate} also
 * take (always after the ledger's lock, never the other way round), waiting for a running force to end, so a force
 * never runs on a channel being replaced.
 */
final class LedgerJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LedgerJournal.class.getName());
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(Ledger.Change.class);
    private static final ObjectReader READER = Json.MAPPER.readerFor(Ledger.Change.class);

    private final Path file;
    private final Object forceLock = new Object();
    private FileChannel channel;
    private long sizeBytes;
    private int lines;
    /** Lines appended since open, and how many of them are known durable (a force covered them). */
    private volatile long appendedSeq;
    private volatile long durableSeq;
    /** Whether a caller is forcing now, outside {@code forceLock} (guarded by it). */
    private boolean forcing;
    /** Set once a write could not be undone or a force failed: the file no longer matches memory. */
    private volatile IOException broken;

    private LedgerJournal(Path file, FileChannel channel, long sizeBytes, int lines) {
        this.file = file;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
        this.lines = lines;
    }

    /**
     * Opens (or creates) the journal and hands every change in it, oldest first, to {@code replay}. A torn tail — the
     * last line cut short, or unreadable lines after the last good one (a crash before a force: nobody was answered
     * for them) — is skipped with a warning and cut off, so that the next line starts clean. An unreadable line
     * followed by a good one is damage, not a torn write: that refuses to open rather than silently drop a change
     * someone was told about.
     */
    static LedgerJournal open(Path file, Consumer<Ledger.Change> replay) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(file);
        long goodEndBytes = 0;
        int good = 0;
        if (!created) {
            long offsetBytes = 0;
            int lineNumber = 0;
            String unreadable = null;
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] chunk = new byte[1 << 16];
                int read;
                while ((read = in.read(chunk)) != -1) {
                    int from = 0;
                    for (int i = 0; i < read; i++) {
                        if (chunk[i] != '\n') {
                            continue;
                        }
                        line.write(chunk, from, i - from);
                        from = i + 1;
                        lineNumber++;
                        byte[] bytes = line.toByteArray();
                        line.reset();
                        Ledger.Change change;
                        try {
                            change = READER.readValue(bytes);
                        } catch (IOException | RuntimeException e) {
                            if (unreadable == null) {
                                unreadable = "line " + lineNumber + " is unreadable ("
                                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
                            }
                            continue;
                        }
                        if (unreadable != null) {
                            throw new IOException("SIMULATOR ledger " + file + " is damaged: " + unreadable
                                    + ", and good lines follow it; refusing to start on books that lost a change");
                        }
                        replay.accept(change);
                        good++;
                        goodEndBytes = offsetBytes + i + 1;
                    }
                    line.write(chunk, from, read - from);
                    offsetBytes += read;
                }
            }
            if (line.size() > 0 || unreadable != null) {
                LOG.log(System.Logger.Level.WARNING, "SIMULATOR: ledger " + file + ": skipped a torn last line ("
                        + (unreadable != null ? unreadable : line.size() + " bytes without an end of line")
                        + "), from a crash while it was written; nobody was answered for it");
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.size() != goodEndBytes) {
                channel.truncate(goodEndBytes);
                channel.force(false);
            }
            if (created) {
                forceDirectory(dir); // the new file's name must survive a crash too
            }
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        channel.position(goodEndBytes);
        return new LedgerJournal(file, channel, goodEndBytes, good);
    }

    /** Writes one change (not forced yet: {@link #awaitDurable}); answers its sequence number. */
    long append(Ledger.Change change) throws IOException {
        failIfBroken();
        ByteBuffer bytes = line(change);
        try {
            writeFully(channel, bytes);
        } catch (IOException e) {
            undoPartialWrite(e);
            throw e;
        }
        sizeBytes += bytes.limit();
        lines++;
        return ++appendedSeq;
    }

    /** Sequence number of the last line written: whatever the ledger answers from is at most this far. */
    long appended() {
        return appendedSeq;
    }

    /**
     * Returns once line {@code seq} (and every line before it) is on disk. One caller at a time forces, outside the
     * monitor; the others wait on it and are woken together when it ends, so that all those it covered return at
     * once instead of queueing behind the next force (measured: 2.7 lines per force with 32 callers when they
     * queued on the monitor).
     */
    void awaitDurable(long seq) throws IOException {
        if (durableSeq >= seq) {
            return;
        }
        while (true) {
            long target;
            FileChannel forced;
            synchronized (forceLock) {
                while (forcing) {
                    waitForForce();
                }
                if (durableSeq >= seq) {
                    return; // a force started after our write covered it
                }
                failIfBroken();
                forcing = true;
                target = appendedSeq; // written before the force starts, so covered by it
                forced = channel;
            }
            IOException failed = null;
            try {
                forced.force(false);
            } catch (IOException e) {
                failed = e;
            }
            synchronized (forceLock) {
                forcing = false;
                if (failed == null) {
                    durableSeq = Math.max(durableSeq, target);
                } else {
                    broken = failed;
                }
                forceLock.notifyAll();
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /** Under {@code forceLock}: waits until the force running now ends. */
    private void waitForForce() throws IOException {
        try {
            forceLock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the SIMULATOR ledger was forced");
        }
    }

    /** Lines in the file now, live or forgotten. */
    int lines() {
        return lines;
    }

    /**
     * Replaces the file by one holding only {@code live} (written aside, forced, renamed over the old one, then the
     * directory forced), after which every line so far is durable. If it fails before the rename the old file is
     * untouched and stays in use.
     */
    void rewrite(Iterable<? extends Ledger.Change> live) throws IOException {
        synchronized (forceLock) {
            while (forcing) {
                waitForForce(); // never swap the channel under a running force
            }
            failIfBroken();
            Path aside = file.resolveSibling(file.getFileName() + ".compacting");
            long newSizeBytes = 0;
            int newLines = 0;
            try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer batch = ByteBuffer.allocate(1 << 16);
                for (Ledger.Change change : live) {
                    ByteBuffer one = line(change);
                    if (one.remaining() > batch.remaining()) {
                        writeFully(out, batch.flip());
                        batch.clear();
                    }
                    if (one.remaining() > batch.remaining()) {
                        writeFully(out, one);
                    } else {
                        batch.put(one);
                    }
                    newSizeBytes += one.limit();
                    newLines++;
                }
                writeFully(out, batch.flip());
                out.force(false);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(aside);
                throw e;
            }
            FileChannel reopened;
            try {
                Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                forceDirectory(file.toAbsolutePath().getParent());
                reopened = FileChannel.open(file, StandardOpenOption.WRITE);
                reopened.position(newSizeBytes);
            } catch (IOException e) {
                broken = e; // the old channel may no longer be the file a restart reads
                throw e;
            }
            channel.close();
            channel = reopened;
            sizeBytes = newSizeBytes;
            lines = newLines;
            durableSeq = appendedSeq;
        }
    }

    /** Empties the file (the simulator's reset: every change forgotten), durably. */
    void truncate() throws IOException {
        synchronized (forceLock) {
            while (forcing) {
                waitForForce();
            }
            failIfBroken();
            try {
                channel.truncate(0);
                channel.position(0);
                channel.force(false);
            } catch (IOException e) {
                broken = e;
                throw e;
            }
            sizeBytes = 0;
            lines = 0;
            durableSeq = appendedSeq;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (forceLock) {
            while (forcing) {
                waitForForce();
            }
            if (channel.isOpen()) {
                try {
                    if (broken == null) {
                        channel.force(false);
                    }
                } finally {
                    channel.close();
                }
            }
        }
    }

    private static ByteBuffer line(Ledger.Change change) throws IOException {
        byte[] json = WRITER.writeValueAsBytes(change);
        ByteBuffer bytes = ByteBuffer.allocate(json.length + 1);
        return bytes.put(json).put((byte) '\n').flip();
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** A failed write may have left part of a line: cut it off, or nothing more may be written. */
    private void undoPartialWrite(IOException cause) {
        try {
            channel.truncate(sizeBytes);
            channel.position(sizeBytes);
        } catch (IOException e) {
            cause.addSuppressed(e);
            broken = cause;
        }
    }

    private void failIfBroken() throws IOException {
        IOException cause = broken;
        if (cause != null) {
            throw new IOException("SIMULATOR ledger " + file + " stopped taking changes after an I/O error;"
                    + " restart the simulator", cause);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}

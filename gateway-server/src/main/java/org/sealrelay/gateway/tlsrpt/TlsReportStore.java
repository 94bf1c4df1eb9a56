package org.sealrelay.gateway.tlsrpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-day, per-policy-domain counts of outbound TLS sessions, kept in memory and written to one
 * JSON file per UTC day under {@code <spool>/tlsrpt/}.
 *
 * <p>Durability: counting never touches the disk. {@link #flush} rewrites the file of each day
 * that changed (written to a temporary file, fsynced, then renamed over the old one), and the
 * owner calls it periodically and on close. A crash therefore loses the counts since the last
 * flush, and never leaves a half-written file in place. Files that cannot be read at start-up
 * are renamed with the suffix {@code .corrupt} and logged, so that one bad file does not stop
 * the gateway.
 *
 * <p>All methods are synchronized; a count is a few map operations, so contention stays low.
 */
public final class TlsReportStore implements TlsSessionRecorder {
    private static final Logger log = LoggerFactory.getLogger(TlsReportStore.class);

    /** Folder under the spool directory that contains the store files. */
    public static final String DIRECTORY = "tlsrpt";
    private static final String SUFFIX = ".json";

    private static final class Counts {
        long successes;
        final Map<FailureDetail, Long> failures = new LinkedHashMap<>();
    }

    private final Path directory;
    private final boolean writable;
    private final Clock clock;
    private final Map<LocalDate, Map<String, Map<ReportPolicy, Counts>>> days = new TreeMap<>();
    private final Set<LocalDate> dirty = new HashSet<>();

    private TlsReportStore(Path directory, boolean writable, Clock clock) {
        this.directory = directory;
        this.writable = writable;
        this.clock = clock;
    }

    /** Returns a store that keeps its counts in memory only, for tests and disabled reporting. */
    public static TlsReportStore inMemory(Clock clock) {
        return new TlsReportStore(null, false, clock);
    }

    /**
     * Opens the store under {@code spoolDirectory}, creating its folder when missing, and reads
     * the files of earlier runs.
     *
     * @throws IOException if the folder cannot be created or listed
     */
    public static TlsReportStore open(Path spoolDirectory, Clock clock) throws IOException {
        Path directory = spoolDirectory.resolve(DIRECTORY);
        Files.createDirectories(directory);
        TlsReportStore store = new TlsReportStore(directory, true, clock);
        store.load();
        return store;
    }

    /**
     * Reads the store files under {@code spoolDirectory} without creating anything, for tools
     * that run beside the gateway. A missing folder gives an empty store.
     *
     * @throws IOException if the folder cannot be listed
     */
    public static TlsReportStore readOnly(Path spoolDirectory, Clock clock) throws IOException {
        Path directory = spoolDirectory.resolve(DIRECTORY);
        TlsReportStore store = new TlsReportStore(directory, false, clock);
        if (Files.isDirectory(directory)) {
            store.load();
        }
        return store;
    }

    /** Returns the current UTC day of the store's clock. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Override
    public synchronized void success(ReportPolicy policy) {
        countsFor(today(), policy).successes++;
    }

    @Override
    public synchronized void failure(ReportPolicy policy, FailureDetail detail) {
        countsFor(today(), policy).failures.merge(detail, 1L, Long::sum);
    }

    /** Returns the days that have counts, oldest first. */
    public synchronized List<LocalDate> days() {
        return new ArrayList<>(days.keySet());
    }

    /** Returns the tallies of {@code day}, one per policy domain in name order. */
    public synchronized List<DomainTally> domains(LocalDate day) {
        List<DomainTally> result = new ArrayList<>();
        Map<String, Map<ReportPolicy, Counts>> byDomain = days.get(day);
        if (byDomain != null) {
            byDomain.forEach((domain, policies) -> result.add(tally(day, domain, policies)));
        }
        return result;
    }

    /** Returns the tally of one policy domain on {@code day}, or empty when it has no counts. */
    public synchronized Optional<DomainTally> domain(LocalDate day, String domain) {
        Map<String, Map<ReportPolicy, Counts>> byDomain = days.get(day);
        String key = ReportPolicy.normalizeDomain(domain);
        if (byDomain == null || !byDomain.containsKey(key)) {
            return Optional.empty();
        }
        return Optional.of(tally(day, key, byDomain.get(key)));
    }

    /** Removes the counts of one policy domain on {@code day}, as after its report was handled. */
    public synchronized void remove(LocalDate day, String domain) {
        Map<String, Map<ReportPolicy, Counts>> byDomain = days.get(day);
        if (byDomain != null && byDomain.remove(ReportPolicy.normalizeDomain(domain)) != null) {
            if (byDomain.isEmpty()) {
                days.remove(day);
            }
            dirty.add(day);
        }
    }

    /**
     * Writes the days that changed since the last flush. A day without counts left loses its
     * file. Does nothing for an in-memory store.
     *
     * @throws IOException if a file cannot be written; the days not written stay marked, so the
     *     next flush tries them again
     */
    public void flush() throws IOException {
        if (!writable) {
            return;
        }
        Map<LocalDate, List<DomainTally>> pending = new LinkedHashMap<>();
        synchronized (this) {
            for (LocalDate day : dirty) {
                pending.put(day, domains(day));
            }
            dirty.clear();
        }
        for (Map.Entry<LocalDate, List<DomainTally>> entry : pending.entrySet()) {
            try {
                write(entry.getKey(), entry.getValue());
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    dirty.addAll(pending.keySet());
                }
                throw e;
            }
        }
    }

    private Counts countsFor(LocalDate day, ReportPolicy policy) {
        dirty.add(day);
        return days.computeIfAbsent(day, key -> new TreeMap<>())
                .computeIfAbsent(policy.domain(), key -> new LinkedHashMap<>())
                .computeIfAbsent(policy, key -> new Counts());
    }

    private static DomainTally tally(LocalDate day, String domain, Map<ReportPolicy, Counts> policies) {
        List<PolicyTally> tallies = new ArrayList<>();
        policies.forEach((policy, counts) -> tallies.add(new PolicyTally(policy, counts.successes, counts.failures)));
        return new DomainTally(day, domain, tallies);
    }

    private void write(LocalDate day, List<DomainTally> domains) throws IOException {
        Path file = directory.resolve(day + SUFFIX);
        if (domains.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        byte[] octets = StoreFileCodec.encode(day, domains);
        Path temporary = directory.resolve(day + SUFFIX + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(octets);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            // One fsync per changed day and flush, not per session: the rename must not expose an empty file.
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private synchronized void load() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                loadFile(file);
            }
        } catch (NoSuchFileException e) {
            // A folder removed after the check leaves an empty store.
        }
    }

    private void loadFile(Path file) {
        String name = file.getFileName().toString();
        try {
            LocalDate day = LocalDate.parse(name.substring(0, name.length() - SUFFIX.length()));
            List<DomainTally> domains = StoreFileCodec.decode(Files.readAllBytes(file), file.toString());
            for (DomainTally domain : domains) {
                if (!domain.day().equals(day)) {
                    throw new IOException(file + ": contains day " + domain.day() + "; expected " + day);
                }
            }
            for (DomainTally domain : domains) {
                for (PolicyTally tally : domain.policies()) {
                    Counts counts = days.computeIfAbsent(day, key -> new TreeMap<>())
                            .computeIfAbsent(domain.domain(), key -> new LinkedHashMap<>())
                            .computeIfAbsent(tally.policy(), key -> new Counts());
                    counts.successes += tally.successes();
                    tally.failures().forEach((detail, count) -> counts.failures.merge(detail, count, Long::sum));
                }
            }
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            if (!writable) {
                log.error("TLS report store file {} cannot be read, so it is skipped: {}", file, e.getMessage());
                return;
            }
            log.error("TLS report store file {} cannot be read and is set aside as .corrupt: {}", file, e.getMessage());
            try {
                Files.move(file, file.resolveSibling(name + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveError) {
                log.error("TLS report store file {} cannot be renamed: {}", file, moveError.getMessage());
            }
        }
    }
}

package org.sealrelay.gateway.crypto.keys;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The files behind a {@link KeyDirectory}: per key, the key itself ({@code openpgp-FPR.asc}
 * or {@code x509-FPR.pem}) and a properties file with its pinned addresses, source, import
 * time, trust and conflicting addresses. The properties file is written last, so a crash
 * between the two leaves a key file without a record, which loading ignores.
 */
final class KeyStore {
    private static final String RECORD_SUFFIX = ".properties";

    private final Path directory;

    KeyStore(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** Returns the directory's modification time, which every create, rename and delete in it changes. */
    Optional<FileTime> modifiedTime() {
        try {
            return Optional.of(Files.getLastModifiedTime(directory));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Reads every record; a record that cannot be read fails the whole load. */
    List<KeyEntry> loadAll() throws KeyDirectoryException {
        List<KeyEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + RECORD_SUFFIX)) {
            for (Path record : files) {
                entries.add(load(record));
            }
        } catch (IOException e) {
            throw new KeyDirectoryException("cannot read key directory " + directory + ": " + e.getMessage(), e);
        }
        return entries;
    }

    private KeyEntry load(Path record) throws KeyDirectoryException, IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        String kindLabel = required(properties, "kind", record);
        String fingerprint = required(properties, "fingerprint", record);
        KeyKind kind;
        Instant importedAt;
        try {
            kind = KeyKind.fromLabel(kindLabel);
            importedAt = Instant.parse(required(properties, "imported", record));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new KeyDirectoryException(record + ": " + e.getMessage(), e);
        }
        Path keyFile = keyFile(kind, fingerprint);
        List<RecipientKey> keys = KeyFileParser.parse(Files.readAllBytes(keyFile));
        if (keys.size() != 1 || !keys.get(0).fingerprint().equals(fingerprint)) {
            throw new KeyDirectoryException(keyFile + ": expected exactly the key " + fingerprint + " named by " + record.getFileName());
        }
        Set<String> addresses = addressList(required(properties, "addresses", record));
        String source = required(properties, "source", record);
        // Records written before discovery existed have neither trust nor conflicts.
        KeyTrust trust;
        try {
            String trustName = properties.getProperty("trust");
            trust = trustName == null ? KeySource.ofSourceText(source).trust() : KeyTrust.valueOf(trustName);
        } catch (IllegalArgumentException e) {
            throw new KeyDirectoryException(record + ": invalid trust '" + properties.getProperty("trust")
                    + "'; expected one of " + Arrays.asList(KeyTrust.values()), e);
        }
        Set<String> conflicts = addressList(properties.getProperty("conflicts", ""));
        return new KeyEntry(keys.get(0), addresses, source, importedAt, trust, conflicts);
    }

    private static Set<String> addressList(String text) {
        Set<String> addresses = new LinkedHashSet<>();
        for (String address : text.split(",")) {
            if (!address.isBlank()) {
                addresses.add(address.strip());
            }
        }
        return addresses;
    }

    /** Writes the key file, then its record, each through a temporary file and a rename. */
    void save(KeyEntry entry) throws KeyDirectoryException {
        Properties properties = new Properties();
        properties.setProperty("kind", entry.kind().label());
        properties.setProperty("fingerprint", entry.fingerprint());
        properties.setProperty("addresses", String.join(",", entry.addresses().stream().sorted().toList()));
        properties.setProperty("source", entry.source());
        properties.setProperty("imported", entry.importedAt().toString());
        properties.setProperty("trust", entry.trust().name());
        properties.setProperty("conflicts", String.join(",", entry.conflicts().stream().sorted().toList()));
        StringWriter text = new StringWriter();
        try {
            properties.store(text, null);
            writeAtomically(keyFile(entry.kind(), entry.fingerprint()), entry.key().encoded());
            writeAtomically(recordFile(entry.kind(), entry.fingerprint()), text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KeyDirectoryException("cannot write key " + entry.fingerprint() + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the record first, so a crash in between leaves only an ignored key file. */
    void delete(KeyEntry entry) throws KeyDirectoryException {
        try {
            Files.deleteIfExists(recordFile(entry.kind(), entry.fingerprint()));
            Files.deleteIfExists(keyFile(entry.kind(), entry.fingerprint()));
        } catch (IOException e) {
            throw new KeyDirectoryException("cannot delete key " + entry.fingerprint() + ": " + e.getMessage(), e);
        }
    }

    private Path keyFile(KeyKind kind, String fingerprint) {
        return directory.resolve(kind.label() + "-" + fingerprint + kind.fileSuffix());
    }

    private Path recordFile(KeyKind kind, String fingerprint) {
        return directory.resolve(kind.label() + "-" + fingerprint + RECORD_SUFFIX);
    }

    private void writeAtomically(Path target, byte[] content) throws IOException {
        Path temporary = Files.createTempFile(directory, ".import-", ".tmp");
        try {
            Files.write(temporary, content);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The rename is durable only once the directory entry is on disk.
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String required(Properties properties, String name, Path record) throws KeyDirectoryException {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new KeyDirectoryException(record + ": missing property " + name + "; expected " + Arrays.asList("kind", "fingerprint", "addresses", "source", "imported"));
        }
        return value;
    }
}

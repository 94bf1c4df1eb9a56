package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys that seal the spool at rest, loaded from the key file.
 *
 * <p>The key file is UTF-8 text. Lines starting with {@code #} and blank lines are ignored. The
 * first other line is {@code sealrelay-spool-keys 1}, and each further line is
 * {@code key <id> <current|retired> <base64 of 32 octets>}. Exactly one key is current: new files
 * are sealed with it, and a file sealed with any listed key can still be read, so a rotation
 * ({@link #addKey}) keeps old records readable.
 *
 * <p>The file must not be accessible to group or others. It is created with mode 0600 when
 * missing, and every rewrite goes through a new 0600 file that is fsynced and renamed over the old.
 */
public final class SpoolKeys {
    static final int KEY_OCTETS = 32;

    private static final Logger log = LoggerFactory.getLogger(SpoolKeys.class);
    private static final String FORMAT_LINE = "sealrelay-spool-keys 1";
    private static final String KEY_LINE_SYNTAX = "key <id> <current|retired> <base64 of 32 octets>";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One master key and its id, which sealed files record in their header. */
    record Key(int id, SecretKey secret) {
        // SecretKeySpec.hashCode is computed from the key octets, so the default record
        // toString would print a digest of the key.
        @Override
        public String toString() {
            return "Key[id=" + id + "]";
        }
    }

    private final Path file;
    private final Map<Integer, Key> keys;
    private final Key current;

    private SpoolKeys(Path file, Map<Integer, Key> keys, Key current) {
        this.file = file;
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
        this.current = current;
    }

    /**
     * Loads the key file, first creating it with one random key when it does not exist.
     *
     * @throws IOException if the file is accessible to group or others, is malformed, or cannot be
     *     read or created. The message names the file and the fix.
     */
    public static SpoolKeys loadOrCreate(Path file) throws IOException {
        if (Files.notExists(file)) {
            Key first = newKey(1);
            try {
                writeNewFile(file, List.of(first), first);
                log.info("created spool key file {} with key id {}", file, first.id());
            } catch (FileAlreadyExistsException e) {
                log.info("spool key file {} was created concurrently; loading it", file);
            }
        }
        return load(file);
    }

    /**
     * Loads an existing key file.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if the file is accessible to group or others or is malformed
     */
    public static SpoolKeys load(Path file) throws IOException {
        checkPermissions(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return parse(file, lines);
    }

    /**
     * Adds a new random key to the key file and makes it current; older keys stay for reading.
     * Running spools keep using the keys they loaded until they are reopened.
     *
     * @return the key ring as rewritten
     */
    public static SpoolKeys addKey(Path file) throws IOException {
        SpoolKeys existing = load(file);
        int nextId = Collections.max(existing.keys.keySet()) + 1;
        Key added = newKey(nextId);
        List<Key> all = new ArrayList<>(existing.keys.values());
        all.add(added);
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        writeNewFile(temporary, all, added);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SpoolDirectories.fsyncDirectory(file.toAbsolutePath().getParent());
        log.info("added spool key id {} to {} and made it current", nextId, file);
        return load(file);
    }

    /** Returns the path of the key file these keys came from. */
    public Path file() {
        return file;
    }

    /** Returns the id of the key that new files are sealed with. */
    public int currentKeyId() {
        return current.id();
    }

    /** Returns the ids of every key in the file, in ascending order. */
    public Set<Integer> keyIds() {
        return keys.keySet();
    }

    Key current() {
        return current;
    }

    Optional<Key> find(int id) {
        return Optional.ofNullable(keys.get(id));
    }

    private static Key newKey(int id) {
        byte[] material = new byte[KEY_OCTETS];
        RANDOM.nextBytes(material);
        return new Key(id, new SecretKeySpec(material, "AES"));
    }

    private static void checkPermissions(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (Files.notExists(file)) {
                throw new NoSuchFileException(file.toString(), null, "spool key file not found");
            }
            throw new IOException("spool key file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!Collections.disjoint(permissions, GROUP_OR_OTHERS)) {
            throw new IOException("spool key file " + file + " is accessible to group or others (mode "
                    + PosixFilePermissions.toString(permissions) + "); run 'chmod 600 " + file
                    + "' and restart");
        }
    }

    private static SpoolKeys parse(Path file, List<String> lines) throws IOException {
        Map<Integer, Key> keys = new TreeMap<>();
        Key current = null;
        boolean sawFormatLine = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!sawFormatLine) {
                if (!line.equals(FORMAT_LINE)) {
                    throw malformed(file, i + 1, "expected '" + FORMAT_LINE + "' as the first line");
                }
                sawFormatLine = true;
                continue;
            }
            Key key = parseKeyLine(file, i + 1, line);
            if (keys.putIfAbsent(key.id(), key) != null) {
                throw malformed(file, i + 1, "key id " + key.id() + " appears twice");
            }
            if (line.split(" +")[2].equals("current")) {
                if (current != null) {
                    throw malformed(file, i + 1, "more than one key is marked current");
                }
                current = key;
            }
        }
        if (!sawFormatLine) {
            throw malformed(file, lines.size(), "expected '" + FORMAT_LINE + "' as the first line");
        }
        if (current == null) {
            throw malformed(file, lines.size(), "no key is marked current");
        }
        return new SpoolKeys(file, keys, current);
    }

    // The line contains key material, so no error message quotes it.
    private static Key parseKeyLine(Path file, int lineNumber, String line) throws IOException {
        String[] fields = line.split(" +");
        if (fields.length != 4 || !fields[0].equals("key")) {
            throw malformed(file, lineNumber, "expected '" + KEY_LINE_SYNTAX + "'");
        }
        int id;
        try {
            id = Integer.parseInt(fields[1]);
        } catch (NumberFormatException e) {
            throw malformed(file, lineNumber, "key id is not a number");
        }
        if (id < 1) {
            throw malformed(file, lineNumber, "key id " + id + " is not positive");
        }
        if (!fields[2].equals("current") && !fields[2].equals("retired")) {
            throw malformed(file, lineNumber, "expected 'current' or 'retired' after the key id");
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(fields[3]);
        } catch (IllegalArgumentException e) {
            throw malformed(file, lineNumber, "key " + id + " is not valid base64");
        }
        if (material.length != KEY_OCTETS) {
            throw malformed(file, lineNumber, "key " + id + " has " + material.length + " octets; expected "
                    + KEY_OCTETS);
        }
        return new Key(id, new SecretKeySpec(material, "AES"));
    }

    private static IOException malformed(Path file, int lineNumber, String problem) {
        return new IOException("invalid spool key file " + file + " at line " + lineNumber + ": " + problem
                + "; restore the file from a backup");
    }

    // Creates the file with mode 0600 in the same call that creates it, so it is never readable by
    // others, then writes and fsyncs it. Fails if the file exists.
    private static void writeNewFile(Path file, List<Key> keys, Key current) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# SealRelay spool encryption keys. Keep this file at mode 0600 and back it up:\n")
                .append("# without it the spool cannot be read. Rotate with a new current key, never by\n")
                .append("# removing a key that queued messages may still use.\n")
                .append(FORMAT_LINE).append('\n');
        for (Key key : keys) {
            text.append("key ").append(key.id()).append(key.equals(current) ? " current " : " retired ")
                    .append(Base64.getEncoder().encodeToString(key.secret().getEncoded())).append('\n');
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            Writer writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
            writer.write(text.toString());
            writer.flush();
            channel.force(true);
        } catch (IOException e) {
            if (!(e instanceof FileAlreadyExistsException)) {
                Files.deleteIfExists(file);
            }
            throw e;
        }
        SpoolDirectories.fsyncDirectory(parent);
    }
}

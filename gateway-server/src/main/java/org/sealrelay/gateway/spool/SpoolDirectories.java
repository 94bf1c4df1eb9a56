package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's directories and file names. Each directory is a queue state. {@code incoming/}
 * contains messages still being received, {@code queue/} contains committed messages, and
 * {@code corrupt/} contains records that failed their integrity check, and {@code spare/} contains
 * files of finished messages kept for reuse ({@link SpareFiles}). A message is the file
 * {@code ID.msg}, named by its queue id, which holds the content and the envelope of the commit
 * ({@link MessageFile}), and from its first state change on also {@code ID.env}, the current
 * envelope. {@code ID.env.tmp} is an envelope being replaced. Names carry nothing from the
 * message.
 */
final class SpoolDirectories {
    static final String CONTENT_SUFFIX = ".msg";
    static final String ENVELOPE_SUFFIX = ".env";
    static final String TEMPORARY_SUFFIX = ".tmp";

    private static final Logger log = LoggerFactory.getLogger(SpoolDirectories.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path root;
    private final Path incoming;
    private final Path queue;
    private final Path corrupt;
    private final Path spare;

    private SpoolDirectories(Path root) {
        this.root = root;
        this.incoming = root.resolve("incoming");
        this.queue = root.resolve("queue");
        this.corrupt = root.resolve("corrupt");
        this.spare = root.resolve("spare");
    }

    /** Creates the root and its state directories with mode 0700 where missing. */
    static SpoolDirectories create(Path root) throws IOException {
        SpoolDirectories directories = new SpoolDirectories(root);
        for (Path directory : new Path[] {root, directories.incoming, directories.queue, directories.corrupt,
                directories.spare}) {
            createPrivateDirectory(directory);
        }
        return directories;
    }

    Path root() {
        return root;
    }

    Path incoming() {
        return incoming;
    }

    Path queue() {
        return queue;
    }

    Path corrupt() {
        return corrupt;
    }

    Path spare() {
        return spare;
    }

    static String contentName(QueueId id) {
        return id.value() + CONTENT_SUFFIX;
    }

    static String envelopeName(QueueId id) {
        return id.value() + ENVELOPE_SUFFIX;
    }

    /** Returns the queue id a file name starts with, if the name is {@code ID} plus {@code suffix}. */
    static Optional<QueueId> idOf(Path file, String suffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(suffix)) {
            return Optional.empty();
        }
        String prefix = name.substring(0, name.length() - suffix.length());
        return QueueId.isValid(prefix) ? Optional.of(new QueueId(prefix)) : Optional.empty();
    }

    /** Creates a new file with mode 0600 for writing; fails if it exists. */
    static FileChannel createPrivateFile(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE);
    }

    /** Flushes a directory's entries to disk, making earlier creates, renames and deletes in it durable. */
    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
            if (!permissions.equals(OWNER_ONLY_DIRECTORY)) {
                log.warn("spool directory {} had mode {}; setting it to rwx------", directory,
                        PosixFilePermissions.toString(permissions));
                Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
            }
            return;
        }
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    }
}

package org.sealrelay.gateway.crypto.keys;

import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key records of a {@link KeyStore}, indexed in memory by kind and fingerprint and kept in
 * step with the files on disk. Changes run under this object's lock, which every changing
 * method of {@link KeyDirectory} takes, and then {@link #publish} an immutable snapshot for
 * lookups that read without the lock.
 */
final class KeyIndex {
    // Logs under the key directory's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

    private final KeyStore store;
    /** Guarded by this object's lock; {@link #snapshot} is a copy for lock-free readers. */
    private final Map<String, KeyEntry> entries = new LinkedHashMap<>();
    private volatile Map<String, KeyEntry> snapshot = Map.of();
    /** The directory's modification time when this object last loaded or wrote it. */
    private volatile Optional<FileTime> diskVersion = Optional.empty();
    private final Runnable onPublish;

    /**
     * @param onPublish runs after each {@link #publish}, to drop lookup results cached from the
     *     earlier snapshot
     */
    KeyIndex(KeyStore store, Runnable onPublish) {
        this.store = store;
        this.onPublish = onPublish;
    }

    /** Replaces the entries with the records on disk; call with the lock held. */
    void load() throws KeyDirectoryException {
        Optional<FileTime> modified = store.modifiedTime();
        entries.clear();
        for (KeyEntry entry : store.loadAll()) {
            entries.put(id(entry.kind(), entry.fingerprint()), entry);
        }
        publish();
        diskVersion = modified;
    }

    /**
     * Reloads the records when another process, such as {@code sealrelay keys accept}, changed
     * the directory, detected by its modification time. A failed reload keeps the entries in
     * memory and is logged.
     *
     * <p>NOTE: a change made by another process between one of this object's own writes and
     * the moment it notes the new modification time is missed until the next change, and so
     * is a change within the same timestamp tick on a file system with coarse timestamps.
     */
    void reloadIfChanged() {
        Optional<FileTime> modified = store.modifiedTime();
        if (modified.equals(diskVersion)) {
            return;
        }
        synchronized (this) {
            if (modified.equals(diskVersion)) {
                return;
            }
            try {
                load();
                log.info("key directory {} changed on disk; reloaded {} key(s)", store.directory(), entries.size());
            } catch (KeyDirectoryException e) {
                diskVersion = modified;
                log.warn("key directory {} changed on disk but cannot be reloaded, keeping the keys in memory: {}",
                        store.directory(), e.getMessage());
            }
        }
    }

    /** Publishes the entries to lookups and drops cached results; call with the lock held. */
    void publish() {
        snapshot = Map.copyOf(entries);
        onPublish.run();
        diskVersion = store.modifiedTime();
    }

    /** Writes the key's files and indexes it; call with the lock held. */
    void save(KeyEntry entry) throws KeyDirectoryException {
        store.save(entry);
        entries.put(id(entry.kind(), entry.fingerprint()), entry);
    }

    /** Deletes the key's files and drops it from the index; call with the lock held. */
    void delete(KeyEntry entry) throws KeyDirectoryException {
        store.delete(entry);
        entries.remove(id(entry.kind(), entry.fingerprint()));
    }

    /** Returns the stored key of that kind and fingerprint, or null; call with the lock held. */
    KeyEntry get(KeyKind kind, String fingerprint) {
        return entries.get(id(kind, fingerprint));
    }

    /** Returns the key of that kind pinned for the address; call with the lock held. */
    Optional<KeyEntry> pinned(KeyKind kind, String address) {
        return pinnedEntry(entries, kind, address);
    }

    /** Returns a view of every entry; call with the lock held. */
    Collection<KeyEntry> values() {
        return entries.values();
    }

    /** Returns the entries as last published, for readers that do not take the lock. */
    Map<String, KeyEntry> snapshot() {
        return snapshot;
    }

    static Optional<KeyEntry> pinnedEntry(Map<String, KeyEntry> entries, KeyKind kind, String address) {
        for (KeyEntry entry : entries.values()) {
            if (entry.kind() == kind && entry.addresses().contains(address)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static String id(KeyKind kind, String fingerprint) {
        return kind.label() + "-" + fingerprint;
    }
}

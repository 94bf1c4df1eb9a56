package org.sealrelay.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes the temporary folders that fixtures make before each test and remove after it. */
public final class TempDirectories {
    private TempDirectories() {
    }

    /**
     * Deletes {@code root} and everything below it. Does nothing when {@code root} is null or
     * does not exist, as after a fixture whose set-up failed before it made the folder.
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("failed to delete " + path, e);
                }
            });
        }
    }
}

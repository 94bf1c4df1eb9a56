package org.sealrelay.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks the MAC chain and the sequence numbers of an audit log, line by line. */
public final class AuditVerifier {
    private AuditVerifier() {
    }

    /**
     * The outcome of a check.
     *
     * @param verifiedLines lines whose MAC and sequence number are correct, before the first broken one
     * @param brokenLine the 1-based number of the first broken line; empty when the whole file verifies
     * @param problem what is wrong with that line; empty when nothing is
     */
    public record Result(long verifiedLines, Optional<Long> brokenLine, String problem) {
        /** Returns whether every line verified. */
        public boolean intact() {
            return brokenLine.isEmpty();
        }
    }

    /**
     * Verifies a whole log.
     *
     * @throws IOException if the file cannot be read
     */
    public static Result verify(Path file, AuditKey key) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": audit log not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (Files.size(file) > 0 && !endsWithNewline(file)) {
                long lines = countLines(file);
                Result prefix = verifyLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1)),
                        key);
                if (!prefix.intact() && prefix.brokenLine().get() <= lines) {
                    return prefix;
                }
                return new Result(prefix.verifiedLines(), Optional.of(lines + 1),
                        "the line has no line feed at its end: a write was cut short or the file was edited");
            }
            return verifyLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1)), key);
        }
    }

    private static Result verifyLines(BufferedReader reader, AuditKey key) throws IOException {
        String previousMac = AuditLog.GENESIS_MAC;
        long number = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            number++;
            Optional<AuditLine> parsed = AuditLine.parse(line);
            if (parsed.isEmpty()) {
                return broken(number, "not an audit line: expected {\"seq\":N,...,\"mac\":\"64 hex digits\"}");
            }
            AuditLine audit = parsed.get();
            if (audit.sequence() != number) {
                return broken(number, "sequence number " + audit.sequence() + ", expected " + number
                        + ": a line was removed or inserted before it");
            }
            if (!key.chainMac(previousMac, audit.body()).equals(audit.mac())) {
                return broken(number, "the MAC does not match: the line was changed, or the line before it"
                        + " was removed, inserted or changed, or the key is not the one the log was written with");
            }
            previousMac = audit.mac();
        }
        return new Result(number, Optional.empty(), "");
    }

    private static Result broken(long number, String problem) {
        return new Result(number - 1, Optional.of(number), problem);
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private static long countLines(Path file) throws IOException {
        long count = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }
}

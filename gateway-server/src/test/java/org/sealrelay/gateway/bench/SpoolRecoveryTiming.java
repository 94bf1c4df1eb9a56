package org.sealrelay.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * Measures how long {@link FileSpool#recover()} takes for a spool of N committed messages, as
 * the gateway does at every start. Run by {@code scripts/spool-recovery}; not a test.
 *
 * <p>Arguments: message count and an empty directory for the spool.
 */
public final class SpoolRecoveryTiming {
    private SpoolRecoveryTiming() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path directory = Path.of(args[1]);
        SpoolConfig config = new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys"));
        byte[] content = ("Subject: recovery timing\r\n\r\n" + "x".repeat(2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);

        long writeStart = System.nanoTime();
        try (FileSpool spool = FileSpool.open(config)) {
            spool.recover();
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<Void>> commits = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                MessageWriter writer = spool.newMessage();
                writer.write(content, 0, content.length);
                Envelope envelope = new Envelope(writer.id(), "sender@clinic.example",
                        List.of(EnvelopeRecipient.pending("r" + i + "@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT))),
                        false, "192.0.2.1", "client.test", Instant.now(), content.length);
                commits.add(writer.commit(envelope).whenComplete((ignored, failure) -> inFlight.release()));
            }
            CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0])).join();
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;

        boolean cold = dropPageCache();
        double firstSeconds = timeRecovery(config, count);
        double secondSeconds = timeRecovery(config, count);

        System.out.printf("messages written: %d in %.1f s (%.0f per second)%n", count, writeSeconds, count / writeSeconds);
        if (cold) {
            System.out.printf("recovered: %d in %.2f s (open and recover, page cache dropped before)%n", count, firstSeconds);
        } else {
            System.out.printf("recovered: %d in %.2f s (open and recover; the page cache could not be dropped"
                    + " without root, so it was warm)%n", count, firstSeconds);
        }
        System.out.printf("recovered: %d in %.2f s (open and recover again, page cache warm)%n", count, secondSeconds);
    }

    private static double timeRecovery(SpoolConfig config, int expected) throws Exception {
        long start = System.nanoTime();
        int recovered;
        try (FileSpool spool = FileSpool.open(config)) {
            recovered = spool.recover().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (recovered != expected) {
            throw new IllegalStateException("recovered " + recovered + " messages; expected " + expected);
        }
        return seconds;
    }

    /**
     * Writes dirty pages back and drops the kernel's page, dentry and inode caches, so the next
     * recovery reads from the disk (Linux, root only). In a virtual machine the host may still
     * cache the disk image, so "cold" means cold for the guest.
     */
    private static boolean dropPageCache() throws Exception {
        Path control = Path.of("/proc/sys/vm/drop_caches");
        if (!java.nio.file.Files.isWritable(control)) {
            return false;
        }
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (sync.waitFor() != 0) {
            return false;
        }
        try {
            java.nio.file.Files.writeString(control, "3");
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

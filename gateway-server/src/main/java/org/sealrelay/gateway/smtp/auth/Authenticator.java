package org.sealrelay.gateway.smtp.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks SMTP AUTH credentials off the event loop and slows down guessing.
 *
 * <p>PBKDF2 takes a noticeable fraction of a second by design, so checks run on a small pool of
 * their own. An unknown user is checked against a fixed dummy hash, so the reply time does not
 * tell which user names exist. Failures are counted per client address for 15 minutes; from the
 * third one on, the reply to each further attempt is delayed by 2, 4, 8 ... up to 30 seconds.
 */
public final class Authenticator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final int FREE_FAILURES = 2;
    private static final long MAX_DELAY_MILLIS = 30_000;

    private final CredentialsFile credentials;
    private final String dummyHash;
    private final ExecutorService workers;
    private final Cache<InetAddress, AtomicInteger> failuresByClient = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(15))
            .maximumSize(100_000)
            .build();

    public Authenticator(CredentialsFile credentials) {
        this.credentials = credentials;
        this.dummyHash = PasswordHash.create("not a password".toCharArray());
        this.workers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "smtp-auth");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks a user's password; the future completes with the result after any throttling
     * delay. Takes ownership of {@code password} and wipes it.
     */
    public CompletableFuture<Boolean> authenticate(InetAddress client, String user, char[] password) {
        long delay = delayFor(client);
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                String hash = credentials.hashOf(user);
                boolean valid = PasswordHash.verify(password, hash == null ? dummyHash : hash) && hash != null;
                recordResult(client, user, valid);
                return valid;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                PasswordHash.wipe(password);
            }
        }, workers);
    }

    private long delayFor(InetAddress client) {
        AtomicInteger failures = failuresByClient.getIfPresent(client);
        int count = failures == null ? 0 : failures.get();
        if (count < FREE_FAILURES) {
            return 0;
        }
        long delay = 1000L << Math.min(count - FREE_FAILURES + 1, 5);
        return Math.min(delay, MAX_DELAY_MILLIS);
    }

    private void recordResult(InetAddress client, String user, boolean valid) {
        if (valid) {
            failuresByClient.invalidate(client);
            return;
        }
        int count = failuresByClient.get(client, ignored -> new AtomicInteger()).incrementAndGet();
        log.warn("client={} AUTH failed for user {} ({} failure(s) in 15 minutes)", client.getHostAddress(),
                sanitize(user), count);
    }

    private static String sanitize(String user) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < user.length() && i < 64; i++) {
            char c = user.charAt(i);
            clean.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return clean.toString();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}

package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Queue manager settings.
 *
 * @param initialRetryDelay delay after the first deferral; doubled after each further one
 * @param maxRetryDelay cap on the doubled delay
 * @param maxLifetime how long a message may stay queued before its pending recipients bounce
 * @param maxConcurrentDeliveries delivery attempts in flight at once, over all destinations
 * @param delayWarning time in the queue after which the sender gets one delay notice; zero
 *     sends none
 * @param maxConcurrentPerDestination delivery attempts in flight at once to one recipient domain
 * @param dsnMaxReturnedSize the largest original message, in octets, that a failure notification
 *     returns whole when the client asked for RET=FULL; larger ones are returned as their header
 *     section, and 0 never returns a whole message
 * @param destinationRates minimum intervals between delivery starts to one recipient domain
 */
public record QueueConfig(
        Duration initialRetryDelay,
        Duration maxRetryDelay,
        Duration maxLifetime,
        int maxConcurrentDeliveries,
        Duration delayWarning,
        int maxConcurrentPerDestination,
        long dsnMaxReturnedSize,
        DestinationRateLimits destinationRates) {
    /** Postfix's default_destination_concurrency_limit. */
    public static final int DEFAULT_CONCURRENT_PER_DESTINATION = 20;
    /**
     * 10 MiB: large enough for most messages with attachments, small enough that the notification
     * is unlikely to pass the size limit of the sender's own server and bounce in turn.
     */
    public static final long DEFAULT_DSN_MAX_RETURNED_SIZE = 10L * 1024 * 1024;

    public QueueConfig {
        Objects.requireNonNull(initialRetryDelay, "initialRetryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (initialRetryDelay.isNegative() || initialRetryDelay.isZero()) {
            throw new IllegalArgumentException("initial retry delay must be positive, got " + initialRetryDelay);
        }
        if (maxRetryDelay.compareTo(initialRetryDelay) < 0) {
            throw new IllegalArgumentException("max retry delay " + maxRetryDelay
                    + " is shorter than the initial retry delay " + initialRetryDelay);
        }
        Objects.requireNonNull(delayWarning, "delayWarning");
        if (delayWarning.isNegative()) {
            throw new IllegalArgumentException("delay warning time must not be negative, got " + delayWarning);
        }
        if (maxConcurrentPerDestination < 1) {
            throw new IllegalArgumentException("max concurrent deliveries per destination must be at least 1, got "
                    + maxConcurrentPerDestination);
        }
        if (dsnMaxReturnedSize < 0) {
            throw new IllegalArgumentException("maximum returned message size must not be negative, got "
                    + dsnMaxReturnedSize);
        }
        if (maxConcurrentDeliveries < 1) {
            throw new IllegalArgumentException("max concurrent deliveries must be at least 1, got " + maxConcurrentDeliveries);
        }
        Objects.requireNonNull(destinationRates, "destinationRates");
    }

    /** Creates settings without rate limits per destination and the default RET=FULL size limit. */
    public QueueConfig(Duration initialRetryDelay, Duration maxRetryDelay, Duration maxLifetime,
            int maxConcurrentDeliveries, Duration delayWarning, int maxConcurrentPerDestination) {
        this(initialRetryDelay, maxRetryDelay, maxLifetime, maxConcurrentDeliveries, delayWarning,
                maxConcurrentPerDestination, DestinationRateLimits.NONE);
    }

    /** Creates settings with the default maximum size of a message returned by RET=FULL. */
    public QueueConfig(Duration initialRetryDelay, Duration maxRetryDelay, Duration maxLifetime,
            int maxConcurrentDeliveries, Duration delayWarning, int maxConcurrentPerDestination,
            DestinationRateLimits destinationRates) {
        this(initialRetryDelay, maxRetryDelay, maxLifetime, maxConcurrentDeliveries, delayWarning,
                maxConcurrentPerDestination, DEFAULT_DSN_MAX_RETURNED_SIZE, destinationRates);
    }

    /** Creates settings without delay notices. */
    public QueueConfig(Duration initialRetryDelay, Duration maxRetryDelay, Duration maxLifetime,
            int maxConcurrentDeliveries) {
        this(initialRetryDelay, maxRetryDelay, maxLifetime, maxConcurrentDeliveries, Duration.ZERO,
                DEFAULT_CONCURRENT_PER_DESTINATION);
    }

    /** Creates settings with the default limit per destination. */
    public QueueConfig(Duration initialRetryDelay, Duration maxRetryDelay, Duration maxLifetime,
            int maxConcurrentDeliveries, Duration delayWarning) {
        this(initialRetryDelay, maxRetryDelay, maxLifetime, maxConcurrentDeliveries, delayWarning,
                DEFAULT_CONCURRENT_PER_DESTINATION);
    }
}

package org.sealrelay.gateway.smtp.inbound;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections of one listener, in total and per client address, so a flood from
 * one client cannot take every slot. Thread-safe; each successful {@link #acquire} must be
 * paired with one {@link #release} of the same address.
 */
final class ConnectionLimiter {
    /** Why a connection was refused, or {@link #ACCEPTED}. */
    enum Result {
        ACCEPTED,
        LISTENER_FULL,
        CLIENT_FULL
    }

    private final int maxTotal;
    private final int maxPerClient;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxTotal, int maxPerClient) {
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
    }

    Result acquire(InetAddress client) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Result.LISTENER_FULL;
        }
        boolean[] admitted = new boolean[1];
        perClient.compute(client, (address, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < maxPerClient;
            return admitted[0] ? current + 1 : (count == null ? null : count);
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Result.CLIENT_FULL;
        }
        return Result.ACCEPTED;
    }

    void release(InetAddress client) {
        total.decrementAndGet();
        perClient.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }

    int open() {
        return total.get();
    }
}

package org.sealrelay.gateway.queue;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Limits concurrent deliveries per destination domain, as Postfix's
 * default_destination_concurrency_limit does, so one slow or throttling domain cannot take
 * every delivery slot. A task over the limit waits in that domain's queue without holding a
 * thread and starts when a delivery to the same domain ends.
 */
final class DestinationSlots {
    private final int limit;
    private final Executor executor;
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Queue<Runnable>> waiting = new HashMap<>();

    DestinationSlots(int limit, Executor executor) {
        this.limit = limit;
        this.executor = executor;
    }

    /**
     * Runs the task on the executor now, or once a slot for the domain frees. The task must
     * call {@link #release} for the same domain exactly once when its delivery has ended.
     */
    void submit(String domain, Runnable task) {
        synchronized (this) {
            int count = running.getOrDefault(domain, 0);
            if (count >= limit) {
                waiting.computeIfAbsent(domain, ignored -> new ArrayDeque<>()).add(task);
                return;
            }
            running.put(domain, count + 1);
        }
        executor.execute(task);
    }

    /** Frees a domain's slot and starts the next waiting task for that domain, if any. */
    void release(String domain) {
        Runnable next;
        synchronized (this) {
            Queue<Runnable> queue = waiting.get(domain);
            next = queue == null ? null : queue.poll();
            if (queue != null && queue.isEmpty()) {
                waiting.remove(domain);
            }
            if (next == null) {
                int count = running.getOrDefault(domain, 1) - 1;
                if (count <= 0) {
                    running.remove(domain);
                } else {
                    running.put(domain, count);
                }
            }
        }
        if (next != null) {
            executor.execute(next);
        }
    }

    /** Returns the number of deliveries running to a domain, for tests and listings. */
    synchronized int running(String domain) {
        return running.getOrDefault(domain, 0);
    }
}

package org.sealrelay.gateway.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sealrelay.gateway.config.ConnectionReuseConfig;

/**
 * Idle SMTP client sessions that may carry another message, as Postfix's connection cache
 * keeps them.
 *
 * <p>A session is cached under its next hop (host name and port), the TLS requirement it was
 * opened for, and the TLS state it proved. A message takes a session only with the same next
 * hop and requirement, and only from a proven state that meets the requirement, so a message at
 * {@code verify} never rides a connection whose certificate was not validated. The session must
 * also offer what the message needs: SMTPUTF8, REQUIRETLS with verified TLS, and a SIZE limit
 * that the message fits.
 *
 * <p>Claiming is atomic: {@link SmtpClientSession#claim} lets exactly one of the taker and the
 * idle timer have an idle session, so a session is never closed under a message or handed to
 * two messages.
 *
 * <p>NOTE: a cached {@code dane} session was checked against the TLSA records that were current
 * when it was opened; a TLSA change within the idle time applies from the next new connection.
 */
final class ConnectionCache {
    /** TLS state a session proved during its handshake, strongest first. */
    enum ProvenTls {
        VERIFIED,
        ENCRYPTED,
        CLEAR;

        /** Returns whether a session in this state may carry a message with the requirement. */
        boolean meets(HopTls required) {
            if (required.verifiesPeer()) {
                return this == VERIFIED;
            }
            if (required.requiresTls()) {
                return this != CLEAR;
            }
            return true;
        }
    }

    /**
     * @param hostName the next hop's host name, lower-cased, which TLS verification checked
     * @param port the next hop's port
     * @param policy the name of the TLS requirement the session was opened for, such as {@code verify}
     * @param requiresTls whether that requirement forbids clear text
     * @param verifiesPeer whether that requirement validates the certificate
     * @param proven the TLS state the session reached
     */
    record Key(String hostName, int port, String policy, boolean requiresTls, boolean verifiesPeer,
            ProvenTls proven) {
        static Key of(String hostName, int port, HopTls required, ProvenTls proven) {
            return new Key(hostName.toLowerCase(Locale.ROOT), port, required.policy(), required.requiresTls(),
                    required.verifiesPeer(), proven);
        }
    }

    private final ConnectionReuseConfig config;
    private final Map<Key, Deque<SmtpClientSession>> idle = new HashMap<>();
    private boolean closed;

    ConnectionCache(ConnectionReuseConfig config) {
        this.config = config;
    }

    ConnectionReuseConfig config() {
        return config;
    }

    boolean enabled() {
        return config.enabled();
    }

    /**
     * Adds an idle session. The most recently added one is taken first.
     *
     * @return false when the cache is closed, so the caller ends the session itself
     */
    synchronized boolean offer(SmtpClientSession session) {
        if (closed) {
            return false;
        }
        idle.computeIfAbsent(session.cacheKey(), ignored -> new ArrayDeque<>()).addFirst(session);
        return true;
    }

    /** Removes a session that closed or whose idle time ran out. */
    synchronized void remove(SmtpClientSession session) {
        Deque<SmtpClientSession> sessions = idle.get(session.cacheKey());
        if (sessions != null) {
            sessions.remove(session);
            if (sessions.isEmpty()) {
                idle.remove(session.cacheKey());
            }
        }
    }

    /**
     * Claims an idle session to {@code hostName}:{@code port} that meets {@code required} and can
     * carry {@code request}, preferring the strongest proven TLS state.
     *
     * @return the claimed session, which the caller must give a message with
     *     {@link SmtpClientSession#carry}, or null when none fits
     */
    synchronized SmtpClientSession take(String hostName, int port, HopTls required, DeliveryRequest request) {
        for (ProvenTls proven : ProvenTls.values()) {
            if (!proven.meets(required)) {
                continue;
            }
            Key key = Key.of(hostName, port, required, proven);
            Deque<SmtpClientSession> sessions = idle.get(key);
            if (sessions == null) {
                continue;
            }
            SmtpClientSession found = claimFirstFitting(sessions, request);
            if (sessions.isEmpty()) {
                idle.remove(key);
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static SmtpClientSession claimFirstFitting(Deque<SmtpClientSession> sessions, DeliveryRequest request) {
        Iterator<SmtpClientSession> iterator = sessions.iterator();
        while (iterator.hasNext()) {
            SmtpClientSession session = iterator.next();
            if (!session.canCarry(request)) {
                // It stays cached for a message it can carry.
                continue;
            }
            iterator.remove();
            if (session.claim()) {
                return session;
            }
            // The idle timer claimed it first and is closing it.
        }
        return null;
    }

    /** Returns the number of cached sessions, for tests. */
    synchronized int size() {
        int count = 0;
        for (Deque<SmtpClientSession> sessions : idle.values()) {
            count += sessions.size();
        }
        return count;
    }

    /** Closes every idle session with QUIT and refuses further offers. */
    void close() {
        List<SmtpClientSession> sessions = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Deque<SmtpClientSession> queue : idle.values()) {
                sessions.addAll(queue);
            }
            idle.clear();
        }
        for (SmtpClientSession session : sessions) {
            if (session.claim()) {
                session.quitIdle();
            }
        }
    }
}

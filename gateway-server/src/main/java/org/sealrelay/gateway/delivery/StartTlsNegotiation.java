package org.sealrelay.gateway.delivery;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STARTTLS step of one {@link SmtpClientSession} (RFC 3207) and the TLS it established.
 *
 * <p>It applies the next hop's {@link HopTls}: when TLS is required, a missing or rejected
 * STARTTLS defers the recipients instead of continuing in clear, and a failed handshake always
 * defers them, also at {@code may}. Octets that arrive after the 220 reply to STARTTLS and before
 * the handshake are discarded, because they may have been injected by an attacker. Every method
 * runs on the channel's event loop. The getters are also read by {@link ConnectionCache} on other
 * threads, after the session was offered to it.
 */
final class StartTlsNegotiation {
    // The session's logger, so that the log lines keep their logger name.
    private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

    private final SmtpClientSession session;
    private final NextHop nextHop;
    private final HopTls tls;
    private final Duration handshakeTimeout;

    private String tlsProtocol;
    private String tlsCipher;
    private boolean peerVerified;
    private ResultType tlsFailure;
    private SessionResult.StartTlsOffer startTlsOffer = SessionResult.StartTlsOffer.UNKNOWN;

    /** @param handshakeTimeout the time the TLS handshake may take, the command timeout */
    StartTlsNegotiation(SmtpClientSession session, NextHop nextHop, HopTls tls, Duration handshakeTimeout) {
        this.session = session;
        this.nextHop = nextHop;
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
    }

    HopTls requirement() {
        return tls;
    }

    /** Returns the negotiated protocol, or null without TLS. */
    String protocol() {
        return tlsProtocol;
    }

    /** Returns the negotiated cipher suite, or null without TLS. */
    String cipher() {
        return tlsCipher;
    }

    boolean peerVerified() {
        return peerVerified;
    }

    /** Returns whether TLS is established and the peer authenticated, as REQUIRETLS needs. */
    boolean verifiedTls() {
        return tlsProtocol != null && peerVerified;
    }

    /** Returns the RFC 8460 result type of a failed handshake, or null when none failed. */
    ResultType failure() {
        return tlsFailure;
    }

    SessionResult.StartTlsOffer startTlsOffer() {
        return startTlsOffer;
    }

    ConnectionCache.ProvenTls proven() {
        return tlsProtocol == null ? ConnectionCache.ProvenTls.CLEAR
                : peerVerified ? ConnectionCache.ProvenTls.VERIFIED : ConnectionCache.ProvenTls.ENCRYPTED;
    }

    /**
     * Continues after the first EHLO or HELO reply: sends STARTTLS when the level attempts TLS
     * and the server offers it, defers when the level requires TLS and the server does not offer
     * it, and starts the transaction in clear otherwise.
     */
    void negotiate(EsmtpExtensions extensions) {
        startTlsOffer = extensions.has("STARTTLS")
                ? SessionResult.StartTlsOffer.OFFERED
                : SessionResult.StartTlsOffer.NOT_OFFERED;
        if (!tls.attemptsTls()) {
            session.startTransaction();
            return;
        }
        if (extensions.has("STARTTLS")) {
            session.send(SmtpClientSession.Stage.STARTTLS, "STARTTLS");
            return;
        }
        if (tls.requiresTls()) {
            session.quitWith(Result.DEFERRED, "4.7.5 STARTTLS not offered by " + nextHop);
            return;
        }
        session.startTransaction();
    }

    /** Handles the reply to STARTTLS: starts the handshake after 220. */
    void onStartTls(SmtpReply reply) {
        ClientTransaction tx = session.transaction();
        if (reply.code() != 220) {
            if (tls.requiresTls()) {
                session.quitWith(Result.DEFERRED, "4.7.5 STARTTLS rejected by " + nextHop + ": " + reply.text());
                return;
            }
            log.info("queueId={} nextHop={} STARTTLS rejected, continuing in clear at level {}: {}",
                    tx.request.queueId(), nextHop, tls.policy(), Redact.reply(reply.text()));
            session.startTransaction();
            return;
        }

        ChannelHandlerContext ctx = session.context();
        SmtpReplyDecoder decoder = ctx.pipeline().get(SmtpReplyDecoder.class);
        int dropped = decoder.discardBuffered();
        if (dropped > 0) {
            log.warn("queueId={} nextHop={} discarded {} octets sent before the TLS handshake",
                    tx.request.queueId(), nextHop, dropped);
        }
        session.forgetExtensions();
        session.enter(SmtpClientSession.Stage.TLS_HANDSHAKE);
        SslHandler ssl = tls.newHandler(ctx.alloc(), nextHop.hostName(), nextHop.port());
        ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        ctx.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(done -> onHandshake(ssl, done));
    }

    private void onHandshake(SslHandler ssl, Future<?> done) {
        if (session.stage() != SmtpClientSession.Stage.TLS_HANDSHAKE) {
            return;
        }
        if (!done.isSuccess()) {
            failTls(done.cause());
            return;
        }
        SSLSession sslSession = ssl.engine().getSession();
        tlsProtocol = sslSession.getProtocol();
        tlsCipher = sslSession.getCipherSuite();
        peerVerified = tls.verifiesPeer();
        log.info("queueId={} nextHop={} TLS established protocol={} cipher={} verified={} policy={}",
                session.transaction().request.queueId(), nextHop, tlsProtocol, tlsCipher, peerVerified, tls.policy());
        session.sendEhlo(SmtpClientSession.Stage.EHLO_AFTER_TLS);
    }

    /** Records the failed handshake for TLS reports and closes the session, deferring the recipients. */
    void failTls(Throwable cause) {
        tlsFailure = HandshakeFailures.classify(cause);
        String reason = "4.7.5 TLS handshake with " + nextHop + " failed at level " + tls.policy() + ": "
                + SmtpClientSession.describe(cause);
        log.warn("queueId={} nextHop={} {}", session.transaction().request.queueId(), nextHop, Redact.text(reason));
        session.closeWith(Result.DEFERRED, reason);
    }
}

package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one SMTP session with one next-hop address, as a state machine driven by
 * the replies that {@link SmtpReplyDecoder} produces.
 *
 * <p>Steps: greeting, EHLO (HELO when EHLO gets a 5xx), STARTTLS as the TLS level demands, EHLO
 * again inside TLS (RFC 3207 section 4.2), MAIL FROM, RCPT TO (pipelined when the server offers
 * PIPELINING, RFC 2920), DATA with dot-stuffed content, then QUIT. Every reply has a timer; the
 * reply to the final dot gets the data timeout.
 *
 * <p>Rules that protect the message:
 * <ul>
 *   <li>At {@code encrypt} and {@code verify}, MAIL FROM is only sent inside TLS, so the message
 *       never travels in clear at those levels.
 *   <li>Octets that arrive after the 220 reply to STARTTLS and before the handshake are
 *       discarded, because they may have been injected by an attacker.
 *   <li>{@link #result} completes when the channel closes, or when the agent's connect fails,
 *       with an outcome for every recipient. No code path completes it exceptionally.
 * </ul>
 *
 * <p>At {@code may}, a failed TLS handshake defers the recipients rather than retrying in clear.
 */
final class SmtpClientSession extends SimpleChannelInboundHandler<SmtpReply> {
    private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

    /** Session steps, each named after the reply it waits for. */
    private enum Stage {
        GREETING("the greeting"),
        EHLO("EHLO"),
        HELO("HELO"),
        STARTTLS("STARTTLS"),
        TLS_HANDSHAKE("the TLS handshake"),
        EHLO_AFTER_TLS("EHLO after STARTTLS"),
        MAIL("MAIL FROM"),
        RCPT("RCPT TO"),
        DATA("DATA"),
        END_OF_DATA("end of data"),
        QUIT("QUIT"),
        CLOSED("nothing");

        private final String awaited;

        Stage(String awaited) {
            this.awaited = awaited;
        }
    }

    private final DeliveryRequest request;
    private final List<String> recipients;
    private final NextHop nextHop;
    private final String heloName;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private final HopTls tls;
    private final CompletableFuture<SessionResult> result = new CompletableFuture<>();

    private final Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
    private final List<String> accepted = new ArrayList<>();
    private EsmtpExtensions extensions = EsmtpExtensions.NONE;
    private Stage stage = Stage.GREETING;
    private boolean transactionStarted;
    private int rcptRepliesExpected;
    private int rcptRepliesReceived;
    private int rcptCommandsSent;
    private String tlsProtocol;
    private String tlsCipher;
    private boolean peerVerified;
    private SessionResult.StartTlsOffer startTlsOffer = SessionResult.StartTlsOffer.UNKNOWN;
    private ScheduledFuture<?> replyTimer;
    private ChannelHandlerContext ctx;

    /**
     * @param recipients the recipients to send, a subset of the request's with valid syntax
     */
    SmtpClientSession(
            DeliveryRequest request,
            List<String> recipients,
            NextHop nextHop,
            String heloName,
            Duration commandTimeout,
            Duration dataTimeout,
            HopTls tls) {
        this.request = request;
        this.recipients = List.copyOf(recipients);
        this.nextHop = nextHop;
        this.heloName = heloName;
        this.commandTimeout = commandTimeout;
        this.dataTimeout = dataTimeout;
        this.tls = tls;
    }

    /** Returns the future that completes when the channel has closed. */
    CompletableFuture<SessionResult> result() {
        return result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        log.info("queueId={} nextHop={} connected", request.queueId(), nextHop);
        armTimer(commandTimeout);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SmtpReply reply) {
        cancelTimer();
        switch (stage) {
            case GREETING -> onGreeting(reply);
            case EHLO -> onEhlo(reply);
            case HELO -> onHelo(reply);
            case STARTTLS -> onStartTls(reply);
            case EHLO_AFTER_TLS -> onEhloAfterTls(reply);
            case MAIL, RCPT -> onMailOrRcpt(reply);
            case DATA -> onData(reply);
            case END_OF_DATA -> onEndOfData(reply);
            case QUIT -> ctx.close();
            case TLS_HANDSHAKE -> log.warn("queueId={} nextHop={} ignored a reply during the TLS handshake: {}",
                    request.queueId(), nextHop, Redact.reply(reply.text()));
            case CLOSED -> {
                // The outcome is already decided.
            }
        }
    }

    private void onGreeting(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text() + " (greeting from " + nextHop + ")");
            return;
        }
        send(Stage.EHLO, "EHLO " + heloName);
    }

    private void onEhlo(SmtpReply reply) {
        if (reply.isPermanentNegative()) {
            send(Stage.HELO, "HELO " + heloName);
            return;
        }
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text());
            return;
        }
        extensions = EsmtpExtensions.parse(reply);
        negotiateTls();
    }

    private void onHelo(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text());
            return;
        }
        extensions = EsmtpExtensions.NONE;
        negotiateTls();
    }

    private void negotiateTls() {
        startTlsOffer = extensions.has("STARTTLS")
                ? SessionResult.StartTlsOffer.OFFERED
                : SessionResult.StartTlsOffer.NOT_OFFERED;
        if (!tls.attemptsTls()) {
            startTransaction();
            return;
        }
        if (extensions.has("STARTTLS")) {
            send(Stage.STARTTLS, "STARTTLS");
            return;
        }
        if (tls.requiresTls()) {
            quitWith(Result.DEFERRED, "4.7.5 STARTTLS not offered by " + nextHop);
            return;
        }
        startTransaction();
    }

    private void onStartTls(SmtpReply reply) {
        if (reply.code() != 220) {
            if (tls.requiresTls()) {
                quitWith(Result.DEFERRED, "4.7.5 STARTTLS rejected by " + nextHop + ": " + reply.text());
                return;
            }
            log.info("queueId={} nextHop={} STARTTLS rejected, continuing in clear at level {}: {}",
                    request.queueId(), nextHop, tls.policy(), Redact.reply(reply.text()));
            startTransaction();
            return;
        }

        SmtpReplyDecoder decoder = ctx.pipeline().get(SmtpReplyDecoder.class);
        int dropped = decoder.discardBuffered();
        if (dropped > 0) {
            log.warn("queueId={} nextHop={} discarded {} octets sent before the TLS handshake",
                    request.queueId(), nextHop, dropped);
        }
        extensions = EsmtpExtensions.NONE;
        stage = Stage.TLS_HANDSHAKE;
        SslHandler ssl = tls.newHandler(ctx.alloc(), nextHop.hostName(), nextHop.port());
        ssl.setHandshakeTimeoutMillis(commandTimeout.toMillis());
        ctx.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(done -> onHandshake(ssl, done));
    }

    private void onHandshake(SslHandler ssl, Future<?> done) {
        if (stage != Stage.TLS_HANDSHAKE) {
            return;
        }
        if (!done.isSuccess()) {
            failTls(done.cause());
            return;
        }
        SSLSession session = ssl.engine().getSession();
        tlsProtocol = session.getProtocol();
        tlsCipher = session.getCipherSuite();
        peerVerified = tls.verifiesPeer();
        log.info("queueId={} nextHop={} TLS established protocol={} cipher={} verified={} policy={}",
                request.queueId(), nextHop, tlsProtocol, tlsCipher, peerVerified, tls.policy());
        send(Stage.EHLO_AFTER_TLS, "EHLO " + heloName);
    }

    private void failTls(Throwable cause) {
        String reason = "4.7.5 TLS handshake with " + nextHop + " failed at level " + tls.policy() + ": "
                + describe(cause);
        log.warn("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason));
        closeWith(Result.DEFERRED, reason);
    }

    private void onEhloAfterTls(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text());
            return;
        }
        extensions = EsmtpExtensions.parse(reply);
        startTransaction();
    }

    private void startTransaction() {
        long limit = extensions.sizeLimit();
        if (limit > 0 && request.sizeOctets() > limit) {
            quitWith(Result.BOUNCED, "5.3.4 message size " + request.sizeOctets() + " exceeds the limit of "
                    + limit + " octets of " + nextHop);
            return;
        }

        TransactionOptions options = request.options();
        if (options.smtpUtf8() && !extensions.has("SMTPUTF8")) {
            // RFC 6531 section 3.2: a message that needs SMTPUTF8 must not go to a server without it.
            quitWith(Result.BOUNCED, "5.6.7 " + nextHop + " does not offer SMTPUTF8, which this message requires");
            return;
        }
        if (options.requireTls() && !(tlsProtocol != null && peerVerified && extensions.has("REQUIRETLS"))) {
            // RFC 8689 section 5: relay only over verified TLS to a server that offers REQUIRETLS.
            quitWith(Result.BOUNCED, "5.7.30 REQUIRETLS support required, but " + nextHop
                    + (tlsProtocol == null || !peerVerified ? " offers no verified TLS" : " does not offer REQUIRETLS"));
            return;
        }

        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(request.reversePath()).append('>');
        if (request.eightBitMime() && extensions.has("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (options.smtpUtf8()) {
            mail.append(" SMTPUTF8");
        }
        if (options.requireTls()) {
            mail.append(" REQUIRETLS");
        }
        boolean passDsn = extensions.has("DSN");
        if (passDsn && !options.dsnReturn().isEmpty()) {
            mail.append(" RET=").append(options.dsnReturn());
        }
        if (passDsn && !options.envelopeId().isEmpty()) {
            mail.append(" ENVID=").append(options.envelopeId());
        }
        // NOTE: 8-bit content goes to a server without 8BITMIME unchanged, as Postfix does by default,
        // instead of being converted to 7 bit (RFC 6152 section 3).
        if (extensions.has("SIZE") && request.sizeOctets() > 0) {
            mail.append(" SIZE=").append(request.sizeOctets());
        }

        transactionStarted = true;
        rcptRepliesExpected = recipients.size();
        if (extensions.has("PIPELINING")) {
            stage = Stage.MAIL;
            write(mail.toString());
            for (String recipient : recipients) {
                write(rcptCommand(recipient));
                rcptCommandsSent++;
            }
            ctx.flush();
            armTimer(commandTimeout);
        } else {
            send(Stage.MAIL, mail.toString());
        }
    }

    private void onMailOrRcpt(SmtpReply reply) {
        if (stage == Stage.MAIL) {
            if (!reply.isPositiveCompletion()) {
                // With PIPELINING the RCPT replies still follow, so QUIT ends the session after the next reply.
                quitWith(classify(reply), reply.text());
                return;
            }
            stage = Stage.RCPT;
            sendNextRcptIfNotPipelined();
            return;
        }

        String recipient = recipients.get(rcptRepliesReceived++);
        if (reply.isPositiveCompletion()) {
            accepted.add(recipient);
        } else {
            outcomes.put(recipient, new RecipientOutcome(classify(reply), reply.text()));
            log.info("queueId={} nextHop={} recipient={} rejected: {}",
                    request.queueId(), nextHop, Redact.address(recipient), Redact.reply(reply.text()));
        }

        if (rcptRepliesReceived < rcptRepliesExpected) {
            sendNextRcptIfNotPipelined();
            return;
        }
        if (accepted.isEmpty()) {
            quitWith(Result.DEFERRED, "no recipient accepted");
            return;
        }
        send(Stage.DATA, "DATA");
    }

    private void sendNextRcptIfNotPipelined() {
        if (rcptCommandsSent < recipients.size()) {
            send(Stage.RCPT, rcptCommand(recipients.get(rcptCommandsSent++)));
        } else {
            armTimer(commandTimeout);
        }
    }

    private void onData(SmtpReply reply) {
        if (reply.code() != 354) {
            quitWith(reply.isPermanentNegative() ? Result.BOUNCED : Result.DEFERRED, reply.text());
            return;
        }
        InputStream content;
        try {
            content = request.content().open();
        } catch (IOException e) {
            String reason = "4.3.0 failed to open the message content: " + describe(e);
            log.error("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason), e);
            closeWith(Result.DEFERRED, reason);
            return;
        }
        stage = Stage.END_OF_DATA;
        ChannelFuture written = ctx.writeAndFlush(new DotStuffedContent(content));
        written.addListener((ChannelFuture done) -> {
            if (done.isSuccess() && stage == Stage.END_OF_DATA) {
                // RFC 5321 section 4.5.3.2.6: the data timeout starts after the final dot.
                armTimer(dataTimeout);
            } else if (!done.isSuccess() && stage == Stage.END_OF_DATA) {
                closeWith(Result.DEFERRED, "4.4.2 failed to send the message to " + nextHop + ": "
                        + describe(done.cause()));
            }
        });
    }

    private void onEndOfData(SmtpReply reply) {
        Result result = reply.isPositiveCompletion() ? Result.DELIVERED : classify(reply);
        boolean relayedWithoutDsn = result == Result.DELIVERED && !extensions.has("DSN");
        for (String recipient : accepted) {
            outcomes.put(recipient, new RecipientOutcome(result, reply.text(), relayedWithoutDsn));
        }
        quit();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (stage == Stage.CLOSED) {
            return;
        }
        if (stage == Stage.TLS_HANDSHAKE) {
            failTls(cause);
            return;
        }
        String reason;
        if (cause instanceof MalformedReplyException) {
            reason = "4.5.0 " + cause.getMessage() + " from " + nextHop + " while waiting for " + stage.awaited;
            log.warn("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason));
        } else if (cause instanceof IOException) {
            reason = "4.4.2 connection to " + nextHop + " failed while waiting for " + stage.awaited + ": "
                    + describe(cause);
            log.warn("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason));
        } else {
            // Anything else is a bug in this session or a handler, so it is logged with its stack trace.
            reason = "4.3.0 internal error in the session with " + nextHop + ": " + describe(cause);
            log.error("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason), cause);
        }
        closeWith(Result.DEFERRED, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (stage == Stage.TLS_HANDSHAKE) {
            failTls(new IOException("connection closed by the server"));
        } else if (stage != Stage.CLOSED && stage != Stage.QUIT) {
            String reason = "4.4.2 connection closed by " + nextHop + " while waiting for " + stage.awaited;
            log.warn("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason));
            decideRemaining(Result.DEFERRED, reason);
        }
        stage = Stage.CLOSED;
        decideRemaining(Result.DEFERRED, "4.4.2 session with " + nextHop + " ended without a reply");
        result.complete(new SessionResult(
                outcomes, !transactionStarted, tlsProtocol, tlsCipher, peerVerified, startTlsOffer));
        ctx.fireChannelInactive();
    }

    /** Gives every recipient still undecided the outcome, sends QUIT and closes after its reply. */
    private void quitWith(Result outcome, String reason) {
        decideRemaining(outcome, reason);
        quit();
    }

    private void quit() {
        send(Stage.QUIT, "QUIT");
    }

    /** Gives every recipient still undecided the outcome and closes without QUIT. */
    private void closeWith(Result outcome, String reason) {
        decideRemaining(outcome, reason);
        cancelTimer();
        stage = Stage.CLOSED;
        ctx.close();
    }

    private void decideRemaining(Result outcome, String reason) {
        for (String recipient : recipients) {
            outcomes.putIfAbsent(recipient, new RecipientOutcome(outcome, reason));
        }
    }

    private void send(Stage next, String command) {
        stage = next;
        write(command);
        ctx.flush();
        armTimer(commandTimeout);
    }

    /** Builds RCPT TO, passing the client's NOTIFY and ORCPT on when the server offers DSN (RFC 3461). */
    private String rcptCommand(String recipient) {
        StringBuilder rcpt = new StringBuilder("RCPT TO:<").append(recipient).append('>');
        DsnRequest dsn = request.dsnFor(recipient);
        if (extensions.has("DSN")) {
            if (!dsn.conditions().isEmpty()) {
                rcpt.append(" NOTIFY=").append(dsn.conditions().stream().map(Enum::name).sorted()
                        .collect(java.util.stream.Collectors.joining(",")));
            }
            if (!dsn.originalRecipient().isEmpty()) {
                rcpt.append(" ORCPT=").append(dsn.originalRecipient());
            }
        }
        return rcpt.toString();
    }

    private void write(String command) {
        ByteBuf line = ByteBufUtil.writeUtf8(ctx.alloc(), command + "\r\n");
        ctx.write(line);
    }

    private void armTimer(Duration timeout) {
        cancelTimer();
        Stage awaited = stage;
        replyTimer = ctx.executor().schedule(() -> onTimeout(awaited, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onTimeout(Stage awaited, Duration timeout) {
        if (stage != awaited || stage == Stage.CLOSED) {
            return;
        }
        if (stage == Stage.QUIT) {
            stage = Stage.CLOSED;
            ctx.close();
            return;
        }
        String reason = "4.4.2 timed out after " + timeout.toMillis() + " ms waiting for the reply to "
                + stage.awaited + " from " + nextHop;
        log.warn("queueId={} nextHop={} {}", request.queueId(), nextHop, Redact.text(reason));
        closeWith(Result.DEFERRED, reason);
    }

    private void cancelTimer() {
        if (replyTimer != null) {
            replyTimer.cancel(false);
            replyTimer = null;
        }
    }

    /** Maps a negative reply to an outcome: 5xx is permanent, anything else is retried. */
    private static Result classify(SmtpReply reply) {
        return reply.isPermanentNegative() ? Result.BOUNCED : Result.DEFERRED;
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}

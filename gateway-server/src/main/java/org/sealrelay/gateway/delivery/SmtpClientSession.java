package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * again inside TLS (RFC 3207 section 4.2), MAIL FROM, RCPT TO, DATA with dot-stuffed content,
 * then QUIT. When the server offers PIPELINING, MAIL FROM, every RCPT TO and DATA go out as one
 * group (RFC 2920 section 3.1 allows DATA as the last command of a group), so a message costs
 * one round trip less. When the server offers CHUNKING, the content goes as BDAT chunks
 * (RFC 3030) instead of DATA, after the RCPT replies, so no content leaves when every recipient
 * is rejected; encrypted copies always go with DATA (see {@link #usesBdat()}). Every reply has a timer, and the reply to the final dot or to a BDAT chunk gets
 * the data timeout.
 *
 * <p>Connection reuse: with a {@link ConnectionCache}, a session whose transaction ended with a
 * reply to the final dot completes that transaction's result at once and waits in the cache for
 * the idle time instead of sending QUIT. A message that takes it from the cache starts with RSET
 * (RFC 5321 section 4.1.1.5), then MAIL FROM. When the idle time runs out, the connection limit
 * is reached, or the cache closes, the session ends with QUIT. A reused connection that breaks,
 * times out, rejects RSET or replies 421 before the reply to the final dot marks the
 * transaction for a retry on a new connection ({@link SessionResult#retryOnNewConnection}).
 *
 * <p>Rules that protect the message:
 * <ul>
 *   <li>At {@code encrypt} and {@code verify}, MAIL FROM is only sent inside TLS, so the message
 *       never travels in clear at those levels.
 *   <li>Octets that arrive after the 220 reply to STARTTLS and before the handshake are
 *       discarded, because they may have been injected by an attacker.
 *   <li>A transaction's result completes when the channel closes, when the agent's connect
 *       fails, or when the session becomes idle, with an outcome for every recipient. No code
 *       path completes it exceptionally.
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
        BDAT("BDAT"),
        IDLE("the next message"),
        RSET("RSET"),
        QUIT("QUIT"),
        CLOSED("nothing");

        private final String awaited;

        Stage(String awaited) {
            this.awaited = awaited;
        }
    }

    private final NextHop nextHop;
    private final String heloName;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private final HopTls tls;
    /** The cache to offer the idle session to, or null when every session ends after one message. */
    private final ConnectionCache cache;
    /** True while the session waits in the cache. The caller that changes it to false owns the session. */
    private final AtomicBoolean idle = new AtomicBoolean();

    /** The current message, or null while the session is idle. */
    private ClientTransaction tx;
    private EsmtpExtensions extensions = EsmtpExtensions.NONE;
    private Stage stage = Stage.GREETING;
    private int messagesSent;
    private String tlsProtocol;
    private String tlsCipher;
    private boolean peerVerified;
    private org.sealrelay.gateway.tlsrpt.ResultType tlsFailure;
    private SessionResult.StartTlsOffer startTlsOffer = SessionResult.StartTlsOffer.UNKNOWN;
    private ScheduledFuture<?> replyTimer;
    private ChannelHandlerContext ctx;

    /**
     * @param recipients the recipients to send, a subset of the request's with valid syntax
     * @param cache where the session waits for another message after its first, or null to end
     *     with QUIT after one message
     */
    SmtpClientSession(
            DeliveryRequest request,
            List<String> recipients,
            NextHop nextHop,
            String heloName,
            Duration commandTimeout,
            Duration dataTimeout,
            HopTls tls,
            ConnectionCache cache) {
        this.tx = new ClientTransaction(request, recipients, false);
        this.nextHop = nextHop;
        this.heloName = heloName;
        this.commandTimeout = commandTimeout;
        this.dataTimeout = dataTimeout;
        this.tls = tls;
        this.cache = cache;
    }

    /** Returns the future of the first transaction, which completes with the outcome of its recipients. */
    CompletableFuture<SessionResult> result() {
        return tx.result;
    }

    NextHop nextHop() {
        return nextHop;
    }

    /** Returns the key under which the session waits in the cache, valid once the session is idle. */
    ConnectionCache.Key cacheKey() {
        ConnectionCache.ProvenTls proven = tlsProtocol == null ? ConnectionCache.ProvenTls.CLEAR
                : peerVerified ? ConnectionCache.ProvenTls.VERIFIED : ConnectionCache.ProvenTls.ENCRYPTED;
        return ConnectionCache.Key.of(nextHop.hostName(), nextHop.port(), tls, proven);
    }

    /**
     * Returns whether this idle session offers what {@code next} needs, so that reuse never turns
     * a message that a new connection could carry into a bounce: its size under the SIZE limit,
     * SMTPUTF8 when the message needs it, and REQUIRETLS over verified TLS when it requests it.
     */
    boolean canCarry(DeliveryRequest next) {
        long limit = extensions.sizeLimit();
        if (limit > 0 && next.sizeOctets() > limit) {
            return false;
        }
        if (next.options().smtpUtf8() && !extensions.has("SMTPUTF8")) {
            return false;
        }
        return !next.options().requireTls() || tlsProtocol != null && peerVerified && extensions.has("REQUIRETLS");
    }

    /** Takes the idle session out of the reach of the cache and the idle timer. Returns true for exactly one caller. */
    boolean claim() {
        return idle.compareAndSet(true, false);
    }

    /**
     * Sends another message on this claimed session: RSET, then the transaction as for the first
     * message.
     *
     * @return the future of the new transaction, completed like {@link #result}
     */
    CompletableFuture<SessionResult> carry(DeliveryRequest request, List<String> recipients) {
        ClientTransaction next = new ClientTransaction(request, recipients, true);
        ctx.executor().execute(() -> startReused(next));
        return next.result;
    }

    /** Ends a claimed idle session with QUIT. */
    void quitIdle() {
        ctx.executor().execute(() -> {
            if (stage == Stage.IDLE) {
                quit();
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        log.info("queueId={} nextHop={} connected", tx.request.queueId(), nextHop);
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
            case BDAT -> onBdat(reply);
            case RSET -> onRset(reply);
            case IDLE -> onReplyWhileIdle(reply);
            case QUIT -> ctx.close();
            case TLS_HANDSHAKE -> log.warn("queueId={} nextHop={} ignored a reply during the TLS handshake: {}",
                    tx.request.queueId(), nextHop, Redact.reply(reply.text()));
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
                    tx.request.queueId(), nextHop, tls.policy(), Redact.reply(reply.text()));
            startTransaction();
            return;
        }

        SmtpReplyDecoder decoder = ctx.pipeline().get(SmtpReplyDecoder.class);
        int dropped = decoder.discardBuffered();
        if (dropped > 0) {
            log.warn("queueId={} nextHop={} discarded {} octets sent before the TLS handshake",
                    tx.request.queueId(), nextHop, dropped);
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
                tx.request.queueId(), nextHop, tlsProtocol, tlsCipher, peerVerified, tls.policy());
        send(Stage.EHLO_AFTER_TLS, "EHLO " + heloName);
    }

    private void failTls(Throwable cause) {
        tlsFailure = HandshakeFailures.classify(cause);
        String reason = "4.7.5 TLS handshake with " + nextHop + " failed at level " + tls.policy() + ": "
                + describe(cause);
        log.warn("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason));
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
        DeliveryRequest request = tx.request;
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

        tx.mailSent = true;
        tx.rcptRepliesExpected = tx.recipients.size();
        if (extensions.has("PIPELINING")) {
            stage = Stage.MAIL;
            write(mail.toString());
            for (String recipient : tx.recipients) {
                write(rcptCommand(recipient));
                tx.rcptCommandsSent++;
            }
            if (!usesBdat()) {
                write("DATA");
                tx.dataPipelined = true;
            }
            ctx.flush();
            armTimer(commandTimeout);
        } else {
            send(Stage.MAIL, mail.toString());
        }
    }

    private void onMailOrRcpt(SmtpReply reply) {
        if (reply.code() == 421) {
            onServiceClosing(reply);
            return;
        }
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

        String recipient = tx.recipients.get(tx.rcptRepliesReceived++);
        if (reply.isPositiveCompletion()) {
            tx.accepted.add(recipient);
        } else {
            tx.outcomes.put(recipient, new RecipientOutcome(classify(reply), reply.text()));
            log.info("queueId={} nextHop={} recipient={} rejected: {}",
                    tx.request.queueId(), nextHop, Redact.address(recipient), Redact.reply(reply.text()));
        }

        if (tx.rcptRepliesReceived < tx.rcptRepliesExpected) {
            sendNextRcptIfNotPipelined();
            return;
        }
        if (tx.dataPipelined) {
            // DATA went out with the RCPT commands, so its reply comes next.
            stage = Stage.DATA;
            armTimer(commandTimeout);
            return;
        }
        if (tx.accepted.isEmpty()) {
            quitWith(Result.DEFERRED, "no recipient accepted");
            return;
        }
        if (usesBdat()) {
            startBdat();
            return;
        }
        send(Stage.DATA, "DATA");
    }

    private void sendNextRcptIfNotPipelined() {
        if (tx.rcptCommandsSent < tx.recipients.size()) {
            send(Stage.RCPT, rcptCommand(tx.recipients.get(tx.rcptCommandsSent++)));
        } else {
            armTimer(commandTimeout);
        }
    }

    private void onData(SmtpReply reply) {
        if (reply.code() == 421) {
            onServiceClosing(reply);
            return;
        }
        if (tx.accepted.isEmpty()) {
            onDataWithoutRecipients(reply);
            return;
        }
        if (reply.code() != 354) {
            quitWith(reply.isPermanentNegative() ? Result.BOUNCED : Result.DEFERRED, reply.text());
            return;
        }
        InputStream content = openContent();
        if (content == null) {
            return;
        }
        stage = Stage.END_OF_DATA;
        ChunkedWriteHandler chunked = ctx.pipeline().get(ChunkedWriteHandler.class);
        // Always a new task: the content may signal while readChunk runs, and resuming there
        // would re-enter the transfer.
        Runnable resume = () -> ctx.executor().execute(chunked::resumeTransfer);
        ChannelFuture written = ctx.writeAndFlush(new DotStuffedContent(content, resume));
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

    /**
     * Returns whether the content goes as BDAT chunks: when the next hop offers CHUNKING (RFC
     * 3030), except for encrypted copies. BDAT reads whole chunks, which would make the event loop
     * wait for the encryption thread, while DATA reads whatever the copy's pipe holds.
     */
    private boolean usesBdat() {
        return extensions.has("CHUNKING") && !(tx.request.content() instanceof EncryptedContentSource);
    }

    /** Opens the message content, or closes the session and returns null when it cannot be read. */
    private InputStream openContent() {
        try {
            return tx.request.content().open();
        } catch (IOException e) {
            String reason = "4.3.0 failed to open the message content: " + describe(e);
            log.error("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason), e);
            closeWith(Result.DEFERRED, reason);
            return null;
        }
    }

    /**
     * Sends the content as BDAT chunks. Without PIPELINING each chunk waits for the reply to the
     * one before, because only PIPELINING lets a client send before the previous reply arrives.
     * Each reply gets the data timeout, because the server may reply to a chunk only once it has
     * stored it.
     */
    private void startBdat() {
        InputStream content = openContent();
        if (content == null) {
            return;
        }
        BdatContent bdat = new BdatContent(content, extensions.has("PIPELINING") ? Integer.MAX_VALUE : 1);
        tx.bdat = bdat;
        stage = Stage.BDAT;
        armTimer(dataTimeout);
        ctx.writeAndFlush(bdat).addListener((ChannelFuture done) -> {
            if (!done.isSuccess() && stage == Stage.BDAT) {
                closeWith(Result.DEFERRED, "4.4.2 failed to send the message to " + nextHop + ": "
                        + describe(done.cause()));
            }
        });
    }

    /**
     * Handles the reply to one BDAT chunk. The reply to the LAST chunk decides the message, as
     * the reply after the final dot does for DATA. A rejected chunk ends the content, and its
     * reply decides the accepted recipients.
     */
    private void onBdat(SmtpReply reply) {
        BdatContent bdat = tx.bdat;
        bdat.acknowledge();
        if (reply.code() == 421) {
            bdat.stop();
            onServiceClosing(reply);
            return;
        }
        if (!reply.isPositiveCompletion()) {
            bdat.stop();
            quitWith(classify(reply), reply.text());
            return;
        }
        if (bdat.lastChunkWritten() && bdat.chunksAcknowledged() == bdat.chunksWritten()) {
            onEndOfData(reply);
            return;
        }
        armTimer(dataTimeout);
        ctx.pipeline().get(ChunkedWriteHandler.class).resumeTransfer();
    }

    /**
     * Handles the reply to a pipelined DATA after every RCPT TO was rejected. A server should
     * reject that DATA (RFC 5321 section 3.3). One that replies 354 instead is cut off without a
     * final dot, so nothing can be delivered, and the connection is not reused.
     */
    private void onDataWithoutRecipients(SmtpReply reply) {
        if (reply.code() == 354) {
            log.info("queueId={} nextHop={} accepted DATA without recipients; closing without sending content",
                    tx.request.queueId(), nextHop);
            closeWith(Result.DEFERRED, "no recipient accepted");
            return;
        }
        quitWith(Result.DEFERRED, "no recipient accepted");
    }

    private void onEndOfData(SmtpReply reply) {
        Result result = reply.isPositiveCompletion() ? Result.DELIVERED : classify(reply);
        boolean relayedWithoutDsn = result == Result.DELIVERED && !extensions.has("DSN");
        for (String recipient : tx.accepted) {
            tx.outcomes.put(recipient, new RecipientOutcome(result, reply.text(), relayedWithoutDsn));
        }
        messagesSent++;
        if (cache == null || reply.code() == 421 || messagesSent >= cache.config().maxMessages()) {
            quit();
            return;
        }
        // The session is cached before the result completes, so that the next message of a
        // caller that waits for this result finds it.
        ClientTransaction finished = tx;
        becomeIdle();
        complete(finished);
    }

    /**
     * Parks the session in the cache until a message claims it or the idle time runs out. The
     * stage is IDLE before the offer, so a message that claims it at once finds it ready.
     */
    private void becomeIdle() {
        tx = null;
        stage = Stage.IDLE;
        cancelTimer();
        idle.set(true);
        if (!cache.offer(this)) {
            idle.set(false);
            quit();
            return;
        }
        Duration idleTime = cache.config().idleTime();
        replyTimer = ctx.executor().schedule(this::onIdleTimeout, idleTime.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onIdleTimeout() {
        if (stage != Stage.IDLE || !claim()) {
            return;
        }
        cache.remove(this);
        log.debug("nextHop={} idle connection closed after {} message(s)", nextHop, messagesSent);
        quit();
    }

    /** Handles an unsolicited reply, such as the 421 that a server sends when its idle timeout closes the connection. */
    private void onReplyWhileIdle(SmtpReply reply) {
        idle.set(false);
        cache.remove(this);
        log.debug("nextHop={} idle connection closed after an unsolicited reply: {}", nextHop,
                Redact.reply(reply.text()));
        stage = Stage.CLOSED;
        ctx.close();
    }

    private void startReused(ClientTransaction next) {
        tx = next;
        if (stage != Stage.IDLE || !ctx.channel().isActive()) {
            // The server closed the connection between the claim and now.
            stage = Stage.CLOSED;
            tx.connectionFailed = true;
            tx.decideRemaining(Result.DEFERRED, "4.4.2 cached connection to " + nextHop + " closed before reuse");
            completeTransaction();
            return;
        }
        cancelTimer();
        log.info("queueId={} nextHop={} reusing cached connection for message {} of at most {}",
                tx.request.queueId(), nextHop, messagesSent + 1, cache.config().maxMessages());
        send(Stage.RSET, "RSET");
    }

    private void onRset(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            tx.connectionFailed = true;
            quitWith(Result.DEFERRED, "4.4.2 RSET on the cached connection to " + nextHop + " failed: " + reply.text());
            return;
        }
        startTransaction();
    }

    /**
     * Ends the session after a 421 reply (RFC 5321 section 3.8: the server is closing the
     * channel). On a reused connection the message is then sent again on a new connection.
     */
    private void onServiceClosing(SmtpReply reply) {
        tx.connectionFailed = true;
        quitWith(Result.DEFERRED, reply.text());
    }

    private void completeTransaction() {
        complete(tx);
    }

    private void complete(ClientTransaction transaction) {
        transaction.result.complete(new SessionResult(transaction.outcomes, !transaction.mailSent, tlsProtocol,
                tlsCipher, peerVerified, startTlsOffer, transaction.retryOnNewConnection(), tlsFailure));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (stage == Stage.CLOSED) {
            return;
        }
        if (stage == Stage.IDLE) {
            idle.set(false);
            cache.remove(this);
            log.debug("nextHop={} idle connection failed: {}", nextHop, describe(cause));
            stage = Stage.CLOSED;
            ctx.close();
            return;
        }
        if (stage == Stage.TLS_HANDSHAKE) {
            failTls(cause);
            return;
        }
        String reason;
        if (cause instanceof MalformedReplyException) {
            reason = "4.5.0 " + cause.getMessage() + " from " + nextHop + " while waiting for " + stage.awaited;
            log.warn("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason));
        } else if (cause instanceof IOException) {
            reason = "4.4.2 connection to " + nextHop + " failed while waiting for " + stage.awaited + ": "
                    + describe(cause);
            log.warn("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason));
        } else {
            // Anything else is a bug in this session or a handler, so it is logged with its stack trace.
            reason = "4.3.0 internal error in the session with " + nextHop + ": " + describe(cause);
            log.error("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason), cause);
        }
        tx.connectionFailed = true;
        closeWith(Result.DEFERRED, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (cache != null) {
            idle.set(false);
            cache.remove(this);
        }
        if (tx == null) {
            // Idle, or QUIT after idling: no message is waiting for this session.
            stage = Stage.CLOSED;
            ctx.fireChannelInactive();
            return;
        }
        if (stage == Stage.TLS_HANDSHAKE) {
            failTls(new IOException("connection closed by the server"));
        } else if (stage != Stage.CLOSED && stage != Stage.QUIT) {
            String reason = "4.4.2 connection closed by " + nextHop + " while waiting for " + stage.awaited;
            log.warn("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason));
            tx.connectionFailed = true;
            decideRemaining(Result.DEFERRED, reason);
        }
        stage = Stage.CLOSED;
        decideRemaining(Result.DEFERRED, "4.4.2 session with " + nextHop + " ended without a reply");
        completeTransaction();
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
        if (tx != null) {
            tx.decideRemaining(outcome, reason);
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
        DsnRequest dsn = tx.request.dsnFor(recipient);
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
        if (stage != awaited || stage == Stage.CLOSED || stage == Stage.IDLE) {
            return;
        }
        if (stage == Stage.QUIT) {
            stage = Stage.CLOSED;
            ctx.close();
            return;
        }
        tx.connectionFailed = true;
        String reason = "4.4.2 timed out after " + timeout.toMillis() + " ms waiting for the reply to "
                + stage.awaited + " from " + nextHop;
        log.warn("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason));
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

    // A trust manager's CertificateException names the reason best. The JDK copies its text into
    // the handshake exception, but OpenSSL reports "General OpenSslEngine problem" around it.
    private static String describe(Throwable cause) {
        for (Throwable current = cause; current != null; current = current.getCause()) {
            if (current instanceof java.security.cert.CertificateException && current.getMessage() != null) {
                return current.getMessage();
            }
            if (current.getCause() == current) {
                break;
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}

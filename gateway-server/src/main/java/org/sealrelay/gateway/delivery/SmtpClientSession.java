package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.logging.Redact;
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
 * is rejected; encrypted copies always go with DATA (see {@link ContentSender#usesBdat()}).
 * Every reply has a timer, and the reply to the final dot or to a BDAT chunk gets the data
 * timeout.
 *
 * <p>This class keeps the connection's life cycle: the stages, timers, QUIT, failures, reuse
 * and the result. {@link StartTlsNegotiation} runs STARTTLS and its policy checks,
 * {@link EnvelopeCommands} the envelope commands and their replies, and {@link ContentSender}
 * DATA or BDAT. They call back into the package-private methods of this class, and all of them
 * run on the channel's event loop.
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
    enum Stage {
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
    private final StartTlsNegotiation tls;
    private final ContentSender content;
    private final EnvelopeCommands envelope;
    /** The cache to offer the idle session to, or null when every session ends after one message. */
    private final ConnectionCache cache;
    /** True while the session waits in the cache. The caller that changes it to false owns the session. */
    private final AtomicBoolean idle = new AtomicBoolean();

    /** The current message, or null while the session is idle. */
    private ClientTransaction tx;
    private EsmtpExtensions extensions = EsmtpExtensions.NONE;
    private Stage stage = Stage.GREETING;
    private int messagesSent;
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
        this.tls = new StartTlsNegotiation(this, nextHop, tls, commandTimeout);
        this.content = new ContentSender(this, nextHop, dataTimeout);
        this.envelope = new EnvelopeCommands(this, nextHop, commandTimeout, this.tls, content);
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
        return ConnectionCache.Key.of(nextHop.hostName(), nextHop.port(), tls.requirement(), tls.proven());
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
        return !next.options().requireTls() || tls.verifiedTls() && extensions.has("REQUIRETLS");
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

    // Accessors for the parts of the session in other classes, on the event loop only.

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Returns the current transaction, or null while the session is idle. */
    ClientTransaction transaction() {
        return tx;
    }

    EsmtpExtensions extensions() {
        return extensions;
    }

    Stage stage() {
        return stage;
    }

    /** Moves to {@code next} without sending a command. */
    void enter(Stage next) {
        stage = next;
    }

    /** Forgets the extensions that the server listed before TLS, as RFC 3207 section 4.2 requires. */
    void forgetExtensions() {
        extensions = EsmtpExtensions.NONE;
    }

    void sendEhlo(Stage next) {
        send(next, "EHLO " + heloName);
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
            case STARTTLS -> tls.onStartTls(reply);
            case EHLO_AFTER_TLS -> onEhloAfterTls(reply);
            case MAIL, RCPT -> envelope.onMailOrRcpt(reply);
            case DATA -> envelope.onData(reply);
            case END_OF_DATA -> onEndOfData(reply);
            case BDAT -> content.onBdat(reply);
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
        sendEhlo(Stage.EHLO);
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
        tls.negotiate(extensions);
    }

    private void onHelo(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text());
            return;
        }
        extensions = EsmtpExtensions.NONE;
        tls.negotiate(extensions);
    }

    private void onEhloAfterTls(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            quitWith(classify(reply), reply.text());
            return;
        }
        extensions = EsmtpExtensions.parse(reply);
        startTransaction();
    }

    /** Starts the transaction of the current message with MAIL FROM. */
    void startTransaction() {
        envelope.start();
    }

    /** Records the reply after the final dot or to the LAST chunk, then ends or caches the session. */
    void onEndOfData(SmtpReply reply) {
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
    void onServiceClosing(SmtpReply reply) {
        tx.connectionFailed = true;
        quitWith(Result.DEFERRED, reply.text());
    }

    private void completeTransaction() {
        complete(tx);
    }

    private void complete(ClientTransaction transaction) {
        transaction.result.complete(new SessionResult(transaction.outcomes, !transaction.mailSent, tls.protocol(),
                tls.cipher(), tls.peerVerified(), tls.startTlsOffer(), transaction.retryOnNewConnection(),
                tls.failure()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (stage == Stage.CLOSED) {
            return;
        }
        // No transaction: idle, or QUIT sent after idling, so no message waits for this session.
        if (stage == Stage.IDLE || tx == null) {
            idle.set(false);
            if (cache != null) {
                cache.remove(this);
            }
            log.debug("nextHop={} idle connection failed: {}", nextHop, describe(cause));
            stage = Stage.CLOSED;
            ctx.close();
            return;
        }
        if (stage == Stage.TLS_HANDSHAKE) {
            tls.failTls(cause);
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
            tls.failTls(new IOException("connection closed by the server"));
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
    void quitWith(Result outcome, String reason) {
        decideRemaining(outcome, reason);
        quit();
    }

    private void quit() {
        send(Stage.QUIT, "QUIT");
    }

    /** Gives every recipient still undecided the outcome and closes without QUIT. */
    void closeWith(Result outcome, String reason) {
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

    void send(Stage next, String command) {
        stage = next;
        write(command);
        ctx.flush();
        armTimer(commandTimeout);
    }

    void write(String command) {
        ByteBuf line = ByteBufUtil.writeUtf8(ctx.alloc(), command + "\r\n");
        ctx.write(line);
    }

    void armTimer(Duration timeout) {
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
        String reason = tx.writingContent
                ? "4.4.2 timed out after " + timeout.toMillis() + " ms sending the message content to " + nextHop
                : "4.4.2 timed out after " + timeout.toMillis() + " ms waiting for the reply to " + stage.awaited
                        + " from " + nextHop;
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
    static Result classify(SmtpReply reply) {
        return reply.isPermanentNegative() ? Result.BOUNCED : Result.DEFERRED;
    }

    // A trust manager's CertificateException names the reason best. The JDK copies its text into
    // the handshake exception, but OpenSSL reports "General OpenSslEngine problem" around it.
    static String describe(Throwable cause) {
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

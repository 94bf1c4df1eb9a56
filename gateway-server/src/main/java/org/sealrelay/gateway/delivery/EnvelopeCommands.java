package org.sealrelay.gateway.delivery;

import java.time.Duration;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the envelope of the current transaction of one {@link SmtpClientSession}, MAIL FROM and
 * RCPT TO, then DATA or the first BDAT chunk, and records the replies to them as outcomes per
 * recipient. When the server offers PIPELINING, MAIL FROM, every RCPT TO and DATA go out as one
 * group (RFC 2920 section 3.1 allows DATA as the last command of a group). With BDAT the content
 * starts only after the RCPT replies, so no content leaves when every recipient is rejected.
 */
final class EnvelopeCommands {
    // The session's logger, so that the log lines keep their logger name.
    private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

    private final SmtpClientSession session;
    private final NextHop nextHop;
    private final Duration commandTimeout;
    private final StartTlsNegotiation tls;
    private final ContentSender content;

    EnvelopeCommands(SmtpClientSession session, NextHop nextHop, Duration commandTimeout, StartTlsNegotiation tls,
            ContentSender content) {
        this.session = session;
        this.nextHop = nextHop;
        this.commandTimeout = commandTimeout;
        this.tls = tls;
        this.content = content;
    }

    /**
     * Starts the transaction with MAIL FROM, after checking that the next hop can carry the
     * message: its SIZE limit, SMTPUTF8 and REQUIRETLS. A message it cannot carry bounces
     * without MAIL FROM.
     */
    void start() {
        ClientTransaction tx = session.transaction();
        EsmtpExtensions extensions = session.extensions();
        DeliveryRequest request = tx.request;
        long limit = extensions.sizeLimit();
        if (limit > 0 && request.sizeOctets() > limit) {
            session.quitWith(Result.BOUNCED, "5.3.4 message size " + request.sizeOctets() + " exceeds the limit of "
                    + limit + " octets of " + nextHop);
            return;
        }

        TransactionOptions options = request.options();
        if (options.smtpUtf8() && !extensions.has("SMTPUTF8")) {
            // RFC 6531 section 3.2: a message that needs SMTPUTF8 must not go to a server without it.
            session.quitWith(Result.BOUNCED, "5.6.7 " + nextHop
                    + " does not offer SMTPUTF8, which this message requires");
            return;
        }
        if (options.requireTls() && !(tls.verifiedTls() && extensions.has("REQUIRETLS"))) {
            // RFC 8689 section 5: relay only over verified TLS to a server that offers REQUIRETLS.
            session.quitWith(Result.BOUNCED, "5.7.30 REQUIRETLS support required, but " + nextHop
                    + (!tls.verifiedTls() ? " offers no verified TLS" : " does not offer REQUIRETLS"));
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
            session.enter(SmtpClientSession.Stage.MAIL);
            session.write(mail.toString());
            for (String recipient : tx.recipients) {
                session.write(rcptCommand(tx, extensions, recipient));
                tx.rcptCommandsSent++;
            }
            if (!content.usesBdat()) {
                session.write("DATA");
                tx.dataPipelined = true;
            }
            session.context().flush();
            session.armTimer(commandTimeout);
        } else {
            session.send(SmtpClientSession.Stage.MAIL, mail.toString());
        }
    }

    /** Handles the reply to MAIL FROM or to one RCPT TO. */
    void onMailOrRcpt(SmtpReply reply) {
        if (reply.code() == 421) {
            session.onServiceClosing(reply);
            return;
        }
        ClientTransaction tx = session.transaction();
        if (session.stage() == SmtpClientSession.Stage.MAIL) {
            if (!reply.isPositiveCompletion()) {
                if (tx.rcptCommandsSent == 0) {
                    session.quitWith(SmtpClientSession.classify(reply), reply.text());
                    return;
                }
                // RFC 2920 section 3.1: the replies to the pipelined RCPT TO and DATA still follow.
                // Reading them first keeps the reply to QUIT from being taken for one of them. The
                // MAIL reply decides now, so a session that ends before them changes nothing.
                tx.mailRejected = true;
                tx.decideRemaining(SmtpClientSession.classify(reply), reply.text());
            }
            session.enter(SmtpClientSession.Stage.RCPT);
            sendNextRcptIfNotPipelined();
            return;
        }

        String recipient = tx.recipients.get(tx.rcptRepliesReceived++);
        if (tx.mailRejected) {
            log.debug("queueId={} nextHop={} ignored the reply to RCPT after a rejected MAIL",
                    tx.request.queueId(), nextHop);
        } else if (reply.isPositiveCompletion()) {
            tx.accepted.add(recipient);
        } else {
            tx.outcomes.put(recipient, new RecipientOutcome(SmtpClientSession.classify(reply), reply.text()));
            log.info("queueId={} nextHop={} recipient={} rejected: {}",
                    tx.request.queueId(), nextHop, Redact.address(recipient), Redact.reply(reply.text()));
        }

        if (tx.rcptRepliesReceived < tx.rcptRepliesExpected) {
            sendNextRcptIfNotPipelined();
            return;
        }
        if (tx.dataPipelined) {
            // DATA went out with the RCPT commands, so its reply comes next.
            session.enter(SmtpClientSession.Stage.DATA);
            session.armTimer(commandTimeout);
            return;
        }
        if (tx.accepted.isEmpty()) {
            // Recipients that a rejected MAIL or their own RCPT reply decided keep that outcome.
            session.quitWith(Result.DEFERRED, "no recipient accepted");
            return;
        }
        if (content.usesBdat()) {
            content.startBdat();
            return;
        }
        session.send(SmtpClientSession.Stage.DATA, "DATA");
    }

    private void sendNextRcptIfNotPipelined() {
        ClientTransaction tx = session.transaction();
        if (tx.rcptCommandsSent < tx.recipients.size()) {
            String recipient = tx.recipients.get(tx.rcptCommandsSent++);
            session.send(SmtpClientSession.Stage.RCPT, rcptCommand(tx, session.extensions(), recipient));
        } else {
            session.armTimer(commandTimeout);
        }
    }

    /** Handles the reply to DATA: sends the content after 354. */
    void onData(SmtpReply reply) {
        if (reply.code() == 421) {
            session.onServiceClosing(reply);
            return;
        }
        if (session.transaction().accepted.isEmpty()) {
            onDataWithoutRecipients(reply);
            return;
        }
        if (reply.code() != 354) {
            session.quitWith(reply.isPermanentNegative() ? Result.BOUNCED : Result.DEFERRED, reply.text());
            return;
        }
        content.sendDotStuffed();
    }

    /**
     * Handles the reply to a pipelined DATA after every RCPT TO was rejected. A server should
     * reject that DATA (RFC 5321 section 3.3). One that replies 354 instead is cut off without a
     * final dot, so nothing can be delivered, and the connection is not reused.
     */
    private void onDataWithoutRecipients(SmtpReply reply) {
        if (reply.code() == 354) {
            log.info("queueId={} nextHop={} accepted DATA without recipients; closing without sending content",
                    session.transaction().request.queueId(), nextHop);
            session.closeWith(Result.DEFERRED, "no recipient accepted");
            return;
        }
        session.quitWith(Result.DEFERRED, "no recipient accepted");
    }

    /** Builds RCPT TO, passing the client's NOTIFY and ORCPT on when the server offers DSN (RFC 3461). */
    private static String rcptCommand(ClientTransaction tx, EsmtpExtensions extensions, String recipient) {
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
}

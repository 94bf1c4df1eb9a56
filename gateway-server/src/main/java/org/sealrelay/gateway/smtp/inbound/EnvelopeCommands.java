package org.sealrelay.gateway.smtp.inbound;

import io.netty.channel.ChannelHandlerContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sealrelay.gateway.config.Cidr;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.slf4j.Logger;

/**
 * The envelope verbs of one session: MAIL sets the reverse-path and the transaction's options,
 * RCPT adds forward-paths after the syntax, size and relay checks, and RSET clears the
 * transaction.
 */
final class EnvelopeCommands {
    private static final Logger log = SmtpServerHandler.log;
    private static final Pattern BARE_POSTMASTER = Pattern.compile("(?i)TO: ?<(postmaster)>(?= |$)");

    private final SmtpServerHandler session;
    private final InboundContext context;
    private final SessionState state;

    EnvelopeCommands(SmtpServerHandler session, InboundContext context, SessionState state) {
        this.session = session;
        this.context = context;
        this.state = state;
    }

    void mail(ChannelHandlerContext ctx, String argument) {
        if (!state.hasGreeting()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_HELO_FIRST);
            return;
        }
        if (state.inTransaction()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_NESTED_MAIL);
            return;
        }
        if (context.listener().requireTls() && state.tlsProtocol == null) {
            session.replyError(ctx, Replies.ENCRYPTION_REQUIRED);
            return;
        }
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "FROM", true, true);
        } catch (PathArgument.SyntaxException e) {
            session.replyError(ctx, SmtpReply.of(501, "5.1.7", "Bad sender address syntax: " + e.getMessage()));
            return;
        }
        MailParameters parameters;
        try {
            parameters = MailParameters.parse(path.parameters(), state.extended,
                    context.offersAuth() && state.tlsProtocol != null, state.tlsProtocol != null,
                    context.listener().maxMessageSize());
        } catch (MailParameters.Rejected e) {
            session.replyError(ctx, e.reply);
            return;
        }
        if (!parameters.smtpUtf8() && !isAscii(path.address())) {
            session.replyError(ctx, Replies.UTF8_REQUIRED);
            return;
        }
        state.reversePath = path.address();
        state.eightBitMime = parameters.eightBitMime();
        state.options = new TransactionOptions(parameters.smtpUtf8(), parameters.requireTls(), parameters.dsnReturn(),
                parameters.envelopeId());
        session.reply(ctx, Replies.SENDER_OK);
    }

    void rcpt(ChannelHandlerContext ctx, String argument) {
        if (!state.inTransaction()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return;
        }
        // RFC 5321 section 4.5.1: <postmaster> without a domain must be accepted from anyone.
        Matcher postmaster = BARE_POSTMASTER.matcher(argument);
        boolean toPostmaster = postmaster.lookingAt();
        if (toPostmaster) {
            argument = argument.substring(0, postmaster.start(1)) + context.postmaster() + argument.substring(postmaster.end(1));
        }
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "TO", false, state.options.smtpUtf8());
        } catch (PathArgument.Utf8RequiredException e) {
            session.replyError(ctx, Replies.UTF8_REQUIRED);
            return;
        } catch (PathArgument.SyntaxException e) {
            session.replyError(ctx, SmtpReply.of(501, "5.1.3", "Bad recipient address syntax: " + e.getMessage()));
            return;
        }
        if (domainOf(path.address()).startsWith("[")) {
            // An address literal would let a client aim mail at any host, internal ones included.
            session.replyError(ctx, Replies.ADDRESS_LITERAL_RECIPIENT);
            return;
        }
        DsnRequest dsn;
        try {
            dsn = RcptParameters.parse(path.parameters());
        } catch (MailParameters.Rejected e) {
            session.replyError(ctx, e.reply);
            return;
        }
        if (state.recipients.size() >= context.listener().maxRecipients()) {
            session.replyError(ctx, Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        // Mail to an accepted domain is inbound mail, not relay, from any client.
        SessionState.RelayGrant grant = toPostmaster || context.listener().acceptsDomain(domainOf(path.address()))
                ? SessionState.RelayGrant.ACCEPTED_DOMAIN : relayGrant();
        if (grant == null) {
            log.info("session={} peer={} relay denied for {}", session.sessionId, session.peer(),
                    Redact.address(path.address()));
            session.replyError(ctx, Replies.RELAY_DENIED);
            return;
        }
        state.relayGrants.add(grant);
        state.recipients.add(path.address());
        state.dsnRequests.add(dsn);
        session.reply(ctx, Replies.RECIPIENT_OK);
    }

    /** Returns the strongest reason this client may relay, or null when it may not. */
    private SessionState.RelayGrant relayGrant() {
        if (state.authenticatedUser != null) {
            return SessionState.RelayGrant.AUTHENTICATED;
        }
        if (state.certificateIdentity != null) {
            return SessionState.RelayGrant.CERTIFICATE;
        }
        for (Cidr network : context.listener().relayNetworks()) {
            if (network.contains(session.clientInet())) {
                return SessionState.RelayGrant.NETWORK;
            }
        }
        return null;
    }

    void rset(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            session.replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        state.resetTransaction();
        session.reply(ctx, Replies.RESET_OK);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}

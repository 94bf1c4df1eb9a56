package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.smtp.inbound.SmtpServerHandler.Mode;
import org.sealrelay.gateway.tls.CertificateNames;
import org.sealrelay.policy.ClientIdentity;
import org.slf4j.Logger;

/**
 * The verbs that set the connection scope of a session: EHLO and HELO, STARTTLS (RFC 3207)
 * with the TLS handshake that completes it, and AUTH (RFC 4954) with its SASL exchange.
 *
 * <p>Credentials are checked off the event loop. Until the result comes back, the session
 * reads no input.
 */
final class ConnectionCommands {
    private static final Logger log = SmtpServerHandler.log;

    private final SmtpServerHandler session;
    private final InboundContext context;
    private final SessionState state;
    private AuthExchange authExchange;

    ConnectionCommands(SmtpServerHandler session, InboundContext context, SessionState state) {
        this.session = session;
        this.context = context;
        this.state = state;
    }

    void helo(ChannelHandlerContext ctx, String argument, boolean extended) {
        String name = argument.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            session.replyError(ctx, Replies.SYNTAX_HELO);
            return;
        }
        state.resetTransaction();
        state.heloName = name;
        state.extended = extended;
        if (!extended) {
            session.reply(ctx, SmtpReply.plain(250, context.hostname()));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(context.hostname());
        lines.add("PIPELINING");
        lines.add("SIZE " + context.listener().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        lines.add("DSN");
        lines.add("ENHANCEDSTATUSCODES");
        if (startTlsAdvertised()) {
            lines.add("STARTTLS");
        }
        if (authAdvertised()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        if (state.tlsProtocol != null) {
            // RFC 8689 section 4: REQUIRETLS is offered only inside TLS.
            lines.add("REQUIRETLS");
        }
        session.reply(ctx, new SmtpReply(250, null, lines));
    }

    /** Replies to HELP with the commands this session can use now, as EHLO would offer them. */
    void help(ChannelHandlerContext ctx) {
        StringBuilder commands = new StringBuilder("Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP");
        if (startTlsAdvertised()) {
            commands.append(" STARTTLS");
        }
        if (authAdvertised()) {
            commands.append(" AUTH");
        }
        session.reply(ctx, SmtpReply.of(214, "2.0.0", commands.toString()));
    }

    private boolean startTlsAdvertised() {
        return context.offersStartTls() && state.tlsProtocol == null;
    }

    /** AUTH is offered only inside TLS, so passwords never cross the network in clear. */
    private boolean authAdvertised() {
        return context.offersAuth() && state.tlsProtocol != null && state.authenticatedUser == null;
    }

    void auth(ChannelHandlerContext ctx, String argument) {
        if (!context.offersAuth()) {
            session.replyError(ctx, Replies.NOT_IMPLEMENTED);
            return;
        }
        if (state.tlsProtocol == null) {
            session.replyError(ctx, Replies.AUTH_NEEDS_TLS);
            return;
        }
        if (!state.hasGreeting()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_HELO_FIRST);
            return;
        }
        if (state.authenticatedUser != null) {
            session.replyError(ctx, Replies.ALREADY_AUTHENTICATED);
            return;
        }
        if (state.inTransaction()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_IN_TRANSACTION);
            return;
        }
        if (argument.isBlank()) {
            session.replyError(ctx, SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
            return;
        }
        authExchange = new AuthExchange();
        authStep(ctx, authExchange.start(argument));
    }

    /** Runs the client's next line of the SASL exchange that AUTH started. */
    void authResponse(ChannelHandlerContext ctx, String line) {
        authStep(ctx, authExchange.respond(line));
    }

    /** Drops the SASL exchange in progress, for example after an over-long response line. */
    void abandonAuth() {
        authExchange = null;
    }

    private void authStep(ChannelHandlerContext ctx, AuthExchange.Step step) {
        if (step instanceof AuthExchange.Challenge challenge) {
            session.mode(Mode.AUTH_RESPONSE);
            ctx.write(Unpooled.wrappedBuffer(("334 " + challenge.base64Text() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            return;
        }
        session.mode(Mode.COMMAND);
        authExchange = null;
        if (step instanceof AuthExchange.Failed failed) {
            session.replyError(ctx, failed.reply());
            return;
        }
        AuthExchange.Complete complete = (AuthExchange.Complete) step;
        String user = complete.user();
        session.mode(Mode.WAITING);
        ctx.channel().config().setAutoRead(false);
        context.authenticator().authenticate(session.clientInet(), user, complete.password()).whenComplete((valid, failure) ->
                ctx.executor().execute(() -> afterAuthentication(ctx, user, Boolean.TRUE.equals(valid) && failure == null)));
    }

    private void afterAuthentication(ChannelHandlerContext ctx, String user, boolean valid) {
        if (session.mode() == Mode.CLOSED) {
            return;
        }
        session.mode(Mode.COMMAND);
        if (valid) {
            state.authenticatedUser = user;
            log.info("session={} peer={} authenticated as {}", session.sessionId, session.peer(), user);
            session.reply(ctx, Replies.AUTH_OK);
        } else {
            session.replyError(ctx, Replies.AUTH_FAILED);
        }
        session.resume(ctx);
    }

    void startTls(ChannelHandlerContext ctx, ByteBuf in, String argument) {
        if (!context.offersStartTls()) {
            session.replyError(ctx, Replies.NOT_IMPLEMENTED);
            return;
        }
        if (state.tlsProtocol != null) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_TLS_ACTIVE);
            return;
        }
        if (!argument.isEmpty()) {
            session.replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        if (state.inTransaction()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_IN_TRANSACTION);
            return;
        }
        int injected = in.readableBytes();
        if (injected > 0) {
            log.info("session={} peer={} discarded {} octets pipelined after STARTTLS", session.sessionId, session.peer(),
                    injected);
            in.skipBytes(injected);
        }
        // startTls=true lets the 220 below leave in clear text; everything after it is TLS.
        SslHandler tls = new SslHandler(context.sslContext().newEngine(ctx.alloc()), true);
        ctx.pipeline().addBefore(ctx.name(), "tls", tls);
        session.mode(Mode.WAITING);
        session.reply(ctx, Replies.START_TLS);
        ctx.flush();
    }

    /**
     * Records the negotiated TLS parameters. After STARTTLS it also resets the session, as RFC
     * 3207 section 4.2 requires, and resumes reading. With implicit TLS the session is already
     * reading commands, so only the parameters are recorded.
     */
    void onHandshake(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            log.info("session={} peer={} TLS handshake failed: {}", session.sessionId, session.peer(),
                    handshake.cause().toString());
            session.mode(Mode.CLOSED);
            ctx.close();
            return;
        }
        SSLSession tlsSession = ctx.pipeline().get(SslHandler.class).engine().getSession();
        boolean afterStartTls = session.mode() == Mode.WAITING;
        if (afterStartTls) {
            state.resetAfterTls();
        }
        state.tlsProtocol = tlsSession.getProtocol();
        state.tlsCipher = tlsSession.getCipherSuite();
        state.certificateIdentity = matchClientCertificate(tlsSession);
        log.info("session={} peer={} TLS established: {} {}", session.sessionId, session.peer(), state.tlsProtocol,
                state.tlsCipher);
        if (afterStartTls) {
            session.mode(Mode.COMMAND);
            session.resume(ctx);
        }
    }

    /** Returns the name of a validated client certificate that grants relay, or null. */
    private String matchClientCertificate(SSLSession tlsSession) {
        ListenerConfig.ClientCertificates accepted = context.listener().clientCertificates();
        if (accepted == null) {
            return null;
        }
        try {
            Certificate[] chain = tlsSession.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            state.clientCertificate = new ClientIdentity("", certificate.getSubjectX500Principal().getName(),
                    CertificateNames.namesOf(certificate));
            String name = CertificateNames.firstMatch(certificate, accepted.allowedNames());
            log.info("session={} peer={} client certificate {} {}", session.sessionId, session.peer(),
                    certificate.getSubjectX500Principal().getName(), name == null ? "matches no allowed name" : "accepted as " + name);
            return name;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}

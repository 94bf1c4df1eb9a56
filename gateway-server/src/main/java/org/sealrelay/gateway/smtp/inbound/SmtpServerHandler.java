package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.sealrelay.gateway.config.Cidr;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.tls.CertificateNames;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.submission.DraftMessage;
import org.sealrelay.policy.ClientIdentity;
import org.sealrelay.gateway.submission.SubmissionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one SMTP connection: line framing, the command state machine, STARTTLS,
 * AUTH, and the DATA and BDAT phases.
 *
 * <p>Framing is strict: a command line ends only at CRLF, and a line with a bare CR or LF is
 * rejected whole. Pipelined commands (RFC 2920) are handled in order from the accumulated
 * input; replies are flushed when the input runs dry. While a message is being decided and
 * committed, or credentials are being checked, reading stops and the rest of the input waits
 * in the accumulation buffer, so pipelined commands are answered strictly in order.
 *
 * <p>STARTTLS (RFC 3207): the TLS handler goes in front of the pipeline before the 220 is
 * written, and every byte that arrived with or after the STARTTLS line is discarded, because
 * a man in the middle could have put commands there to run inside the encrypted session.
 * After the handshake the session starts over from EHLO.
 *
 * <p>With the PROXY protocol the client's identity (and with it the relay check and the
 * per-client connection limit) comes from the PROXY header, which must arrive before the
 * greeting is sent.
 */
final class SmtpServerHandler extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(SmtpServerHandler.class);
    private static final AtomicLong SESSION_COUNTER = new AtomicLong();
    private static final java.util.regex.Pattern BARE_POSTMASTER =
            java.util.regex.Pattern.compile("(?i)TO: ?<(postmaster)>(?= |$)");

    /** RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    /** RFC 4954 section 4: an AUTH command or response line may be up to 12288 octets. */
    static final int MAX_AUTH_LINE = 12_288;
    /** RFC 3030 does not bound a chunk; this bounds what one BDAT may announce. */
    static final long MAX_CHUNK = Integer.MAX_VALUE;

    private enum Mode {
        /** Waiting for the PROXY header; nothing has been sent yet. */
        AWAIT_PROXY,
        COMMAND,
        /** Skipping the rest of an over-long command line up to its CRLF. */
        DISCARD_LINE,
        /** Reading the client's next line of a SASL exchange. */
        AUTH_RESPONSE,
        DATA,
        /** Reading the octets announced by BDAT. */
        CHUNK,
        /** Waiting for the submission, the TLS handshake or a credentials check; input is not read. */
        WAITING,
        CLOSED
    }

    private final InboundContext context;
    private final SessionState state = new SessionState();
    private final String sessionId = Long.toString(SESSION_COUNTER.incrementAndGet(), 36);
    private Mode mode = Mode.COMMAND;
    private DataReader dataReader;
    private AuthExchange authExchange;
    private long chunkRemaining;
    private boolean chunkLast;
    private boolean chunkDiscard;
    private long chunkSize;
    private SmtpReply pendingChunkReply;
    private String peer = "unknown";
    private String clientAddress = "";
    private InetAddress clientInet;
    private boolean counted;
    private long lastReadNanos = System.nanoTime();

    SmtpServerHandler(InboundContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        setClient(remote.getAddress(), remote.getPort());
        if (context.listener().proxyProtocol()) {
            mode = Mode.AWAIT_PROXY;
            log.debug("session={} connection from {} waiting for the PROXY header", sessionId, peer);
        } else {
            admit(ctx);
        }
        super.channelActive(ctx);
    }

    private void setClient(InetAddress address, int port) {
        clientInet = address;
        clientAddress = address.getHostAddress();
        peer = address instanceof Inet6Address ? "[" + clientAddress + "]:" + port : clientAddress + ":" + port;
    }

    /** Applies the connection limits to the now known client and sends the greeting. */
    private void admit(ChannelHandlerContext ctx) {
        ConnectionLimiter.Result result = context.limiter().acquire(clientInet);
        if (result != ConnectionLimiter.Result.ACCEPTED) {
            log.warn("session={} peer={} listener={} connection refused: {} (open: {})", sessionId, peer,
                    context.listener().name(), result == ConnectionLimiter.Result.LISTENER_FULL
                            ? "max-connections reached" : "max-connections-per-client reached",
                    context.limiter().open());
            mode = Mode.CLOSED;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SmtpReply.of(421, "4.7.0",
                    context.hostname() + " Too many connections, try again later").encode()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        counted = true;
        mode = Mode.COMMAND;
        log.info("session={} peer={} listener={} connect", sessionId, peer, context.listener().name());
        // With implicit TLS the SslHandler holds this write until the handshake is done.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(
                SmtpReply.plain(220, context.hostname() + " ESMTP SealRelay").encode()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (mode != Mode.WAITING) {
            state.resetTransaction();
        }
        mode = Mode.CLOSED;
        if (counted) {
            context.limiter().release(clientInet);
            counted = false;
            log.info("session={} peer={} disconnect", sessionId, peer);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = System.nanoTime();
        if (msg instanceof HAProxyMessage proxy) {
            try {
                acceptProxyHeader(ctx, proxy);
            } finally {
                proxy.release();
            }
            return;
        }
        super.channelRead(ctx, msg);
    }

    private void acceptProxyHeader(ChannelHandlerContext ctx, HAProxyMessage proxy) {
        if (mode != Mode.AWAIT_PROXY) {
            return;
        }
        if (proxy.command() == HAProxyCommand.PROXY && proxy.sourceAddress() != null) {
            try {
                String socketPeer = peer;
                setClient(InetAddress.getByName(proxy.sourceAddress()), proxy.sourcePort());
                log.debug("session={} PROXY header from {} names client {}", sessionId, socketPeer, peer);
            } catch (UnknownHostException e) {
                log.info("session={} peer={} invalid PROXY source address; closing", sessionId, peer);
                mode = Mode.CLOSED;
                ctx.close();
                return;
            }
        }
        admit(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (mode) {
                case DATA -> {
                    if (dataReader.read(in) == DataReader.Progress.NEED_MORE) {
                        return;
                    }
                    endOfMessage(ctx);
                }
                case CHUNK -> {
                    if (!readChunk(ctx, in)) {
                        return;
                    }
                }
                case DISCARD_LINE -> {
                    int lf = in.forEachByte(ByteProcessor.FIND_LF);
                    if (lf < 0) {
                        in.skipBytes(in.readableBytes());
                        return;
                    }
                    in.readerIndex(lf + 1);
                    mode = Mode.COMMAND;
                    replyError(ctx, Replies.LINE_TOO_LONG);
                }
                case COMMAND, AUTH_RESPONSE -> {
                    if (!readLine(ctx, in)) {
                        return;
                    }
                }
                case AWAIT_PROXY, WAITING, CLOSED -> {
                    return;
                }
                default -> throw new IllegalStateException("unknown mode " + mode);
            }
        }
    }

    /** Reads and runs one command or AUTH response line; returns false when it is not complete yet. */
    private boolean readLine(ChannelHandlerContext ctx, ByteBuf in) {
        int maxLength = mode == Mode.AUTH_RESPONSE ? MAX_AUTH_LINE : MAX_COMMAND_LINE;
        int start = in.readerIndex();
        int lf = in.forEachByte(ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > maxLength) {
                in.skipBytes(in.readableBytes());
                abandonAuth();
                mode = Mode.DISCARD_LINE;
            }
            return false;
        }
        int length = lf - start + 1;
        if (length > maxLength) {
            in.readerIndex(lf + 1);
            abandonAuth();
            replyError(ctx, Replies.LINE_TOO_LONG);
            return true;
        }
        boolean properEnd = length >= 2 && in.getByte(lf - 1) == '\r';
        int cr = length > 1 ? in.indexOf(start, lf - 1, (byte) '\r') : -1;
        if (!properEnd || cr >= 0) {
            in.readerIndex(lf + 1);
            abandonAuth();
            log.debug("session={} peer={} line with bare CR or LF rejected", sessionId, peer);
            replyError(ctx, Replies.BARE_LINE_ENDING);
            return true;
        }
        String line = decodeLine(in, start, length - 2);
        in.readerIndex(lf + 1);
        if (line == null) {
            abandonAuth();
            replyError(ctx, Replies.INVALID_UTF8);
            return true;
        }
        if (mode == Mode.AUTH_RESPONSE) {
            authStep(ctx, authExchange.respond(line));
        } else {
            runCommand(ctx, in, line);
        }
        return true;
    }

    /**
     * Decodes a line as UTF-8 (RFC 6531 allows UTF-8 in addresses); returns null when it is not
     * valid UTF-8, so a malformed sequence can never turn into a character the parsers accept.
     */
    private static String decodeLine(ByteBuf in, int start, int length) {
        boolean ascii = in.forEachByte(start, length, b -> b >= 0) < 0;
        if (ascii) {
            return in.toString(start, length, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(start, length))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private void abandonAuth() {
        if (mode == Mode.AUTH_RESPONSE) {
            authExchange = null;
            mode = Mode.COMMAND;
        }
    }

    private void runCommand(ChannelHandlerContext ctx, ByteBuf in, String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        switch (verb) {
            case "EHLO" -> helo(ctx, argument, true);
            case "HELO" -> helo(ctx, argument, false);
            case "MAIL" -> mail(ctx, argument);
            case "RCPT" -> rcpt(ctx, argument);
            case "DATA" -> data(ctx, argument);
            case "BDAT" -> bdat(ctx, argument);
            case "RSET" -> rset(ctx, argument);
            case "NOOP" -> reply(ctx, Replies.NOOP_OK);
            case "QUIT" -> quit(ctx);
            case "STARTTLS" -> startTls(ctx, in, argument);
            case "AUTH" -> auth(ctx, argument);
            case "VRFY" -> reply(ctx, Replies.VRFY);
            case "HELP" -> reply(ctx, Replies.HELP);
            case "EXPN", "TURN", "ETRN" -> replyError(ctx, Replies.NOT_IMPLEMENTED);
            default -> replyError(ctx, Replies.UNKNOWN_COMMAND);
        }
    }

    private void helo(ChannelHandlerContext ctx, String argument, boolean extended) {
        String name = argument.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            replyError(ctx, Replies.SYNTAX_HELO);
            return;
        }
        state.resetTransaction();
        state.heloName = name;
        state.extended = extended;
        if (!extended) {
            reply(ctx, SmtpReply.plain(250, context.hostname()));
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
        if (context.offersStartTls() && state.tlsProtocol == null) {
            lines.add("STARTTLS");
        }
        if (authAdvertised()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        if (state.tlsProtocol != null) {
            // RFC 8689 section 4: REQUIRETLS is offered only inside TLS.
            lines.add("REQUIRETLS");
        }
        reply(ctx, new SmtpReply(250, null, lines));
    }

    /** AUTH is offered only inside TLS, so passwords never cross the network in clear. */
    private boolean authAdvertised() {
        return context.offersAuth() && state.tlsProtocol != null && state.authenticatedUser == null;
    }

    private void mail(ChannelHandlerContext ctx, String argument) {
        if (!state.hasGreeting()) {
            replyError(ctx, Replies.BAD_SEQUENCE_HELO_FIRST);
            return;
        }
        if (state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_NESTED_MAIL);
            return;
        }
        if (context.listener().requireTls() && state.tlsProtocol == null) {
            replyError(ctx, Replies.ENCRYPTION_REQUIRED);
            return;
        }
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "FROM", true, true);
        } catch (PathArgument.SyntaxException e) {
            replyError(ctx, SmtpReply.of(501, "5.1.7", "Bad sender address syntax: " + e.getMessage()));
            return;
        }
        MailParameters parameters;
        try {
            parameters = MailParameters.parse(path.parameters(), state.extended,
                    context.offersAuth() && state.tlsProtocol != null, state.tlsProtocol != null,
                    context.listener().maxMessageSize());
        } catch (MailParameters.Rejected e) {
            replyError(ctx, e.reply);
            return;
        }
        if (!parameters.smtpUtf8() && !isAscii(path.address())) {
            replyError(ctx, Replies.UTF8_REQUIRED);
            return;
        }
        state.reversePath = path.address();
        state.eightBitMime = parameters.eightBitMime();
        state.options = new TransactionOptions(parameters.smtpUtf8(), parameters.requireTls(), parameters.dsnReturn(),
                parameters.envelopeId());
        reply(ctx, Replies.SENDER_OK);
    }

    private void rcpt(ChannelHandlerContext ctx, String argument) {
        if (!state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return;
        }
        // RFC 5321 section 4.5.1: <postmaster> without a domain must be accepted from anyone.
        java.util.regex.Matcher postmaster = BARE_POSTMASTER.matcher(argument);
        boolean toPostmaster = postmaster.lookingAt();
        if (toPostmaster) {
            argument = argument.substring(0, postmaster.start(1)) + context.postmaster() + argument.substring(postmaster.end(1));
        }
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "TO", false, state.options.smtpUtf8());
        } catch (PathArgument.Utf8RequiredException e) {
            replyError(ctx, Replies.UTF8_REQUIRED);
            return;
        } catch (PathArgument.SyntaxException e) {
            replyError(ctx, SmtpReply.of(501, "5.1.3", "Bad recipient address syntax: " + e.getMessage()));
            return;
        }
        if (domainOf(path.address()).startsWith("[")) {
            // An address literal would let a client aim mail at any host, internal ones included.
            replyError(ctx, Replies.ADDRESS_LITERAL_RECIPIENT);
            return;
        }
        DsnRequest dsn;
        try {
            dsn = RcptParameters.parse(path.parameters());
        } catch (MailParameters.Rejected e) {
            replyError(ctx, e.reply);
            return;
        }
        if (state.recipients.size() >= context.listener().maxRecipients()) {
            replyError(ctx, Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        // Mail to an accepted domain is inbound mail, not relay, from any client.
        SessionState.RelayGrant grant = toPostmaster || context.listener().acceptsDomain(domainOf(path.address()))
                ? SessionState.RelayGrant.ACCEPTED_DOMAIN : relayGrant();
        if (grant == null) {
            log.info("session={} peer={} relay denied for {}", sessionId, peer, Redact.address(path.address()));
            replyError(ctx, Replies.RELAY_DENIED);
            return;
        }
        state.relayGrants.add(grant);
        state.recipients.add(path.address());
        state.dsnRequests.add(dsn);
        reply(ctx, Replies.RECIPIENT_OK);
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
            if (network.contains(clientInet)) {
                return SessionState.RelayGrant.NETWORK;
            }
        }
        return null;
    }

    /**
     * Checks the tenant header when relay rests on a network or certificate shared by every
     * tenant of a cloud mail service; returns the rejection, or null when the message may pass.
     */
    private SmtpReply checkTenant(DataReader reader) {
        ListenerConfig.TenantBinding tenant = context.listener().tenant();
        // Only relay that rests on a shared network or certificate needs the tenant to match.
        if (tenant == null || !(state.relayGrants.contains(SessionState.RelayGrant.NETWORK)
                || state.relayGrants.contains(SessionState.RelayGrant.CERTIFICATE))) {
            return null;
        }
        List<String> values = reader.capturedValues();
        boolean allAllowed = !values.isEmpty();
        for (String value : values) {
            allAllowed &= tenant.allowedValues().stream().anyMatch(allowed -> allowed.equalsIgnoreCase(value));
        }
        if (allAllowed) {
            return null;
        }
        log.warn("session={} peer={} message rejected: {} {} is not an allowed tenant", sessionId, peer,
                tenant.header(), values.isEmpty() ? "missing" : Redact.text(String.join(",", values)));
        return Replies.TENANT_NOT_ALLOWED;
    }

    private void data(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        if (!checkTransactionReady(ctx)) {
            return;
        }
        if (state.writer != null) {
            // RFC 3030 section 2: DATA may not follow BDAT in the same transaction.
            replyError(ctx, Replies.DATA_AFTER_BDAT);
            return;
        }
        if (!openMessage(ctx, true)) {
            return;
        }
        mode = Mode.DATA;
        reply(ctx, Replies.START_DATA);
    }

    private boolean checkTransactionReady(ChannelHandlerContext ctx) {
        if (!state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return false;
        }
        if (state.recipients.isEmpty()) {
            replyError(ctx, Replies.BAD_SEQUENCE_RCPT_FIRST);
            return false;
        }
        return true;
    }

    /** Starts the spool file with the Received header; replies 451 and returns false on failure. */
    private boolean openMessage(ChannelHandlerContext ctx, boolean dotStuffed) {
        MessageWriter writer;
        try {
            writer = context.spool().newMessage();
            state.writer = writer;
            byte[] header = ReceivedHeader.build(state.heloName, clientAddress, context.hostname(), state.extended,
                    state.tlsProtocol, state.tlsCipher, state.authenticatedUser != null, state.options.smtpUtf8(),
                    writer.id().value(),
                    state.recipients, ZonedDateTime.now(context.clock()));
            writer.write(header, 0, header.length);
            if (context.listener().processedHeader() != null) {
                byte[] processed = (context.listener().processedHeader() + "\r\n").getBytes(StandardCharsets.US_ASCII);
                writer.write(processed, 0, processed.length);
            }
        } catch (IOException e) {
            log.error("session={} peer={} cannot start a spool file, replying 451: {}", sessionId, peer, e.toString());
            state.resetTransaction();
            replyError(ctx, Replies.storageFailure(e));
            return false;
        }
        ListenerConfig.TenantBinding tenant = context.listener().tenant();
        dataReader = new DataReader(writer, writer.size(), context.listener().maxMessageSize(), dotStuffed,
                context.listener().maxHops(), tenant == null ? null : tenant.header());
        return true;
    }

    /**
     * BDAT (RFC 3030). The announced octets are always read, even when the command is rejected,
     * so that chunk content is never taken for commands.
     */
    private void bdat(ChannelHandlerContext ctx, String argument) {
        String[] parts = argument.trim().split(" +");
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        long size = -1;
        if (parts.length >= 1 && parts.length <= 2 && (parts.length == 1 || last)
                && parts[0].length() <= 18 && !parts[0].isEmpty() && parts[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
            size = Long.parseLong(parts[0]);
        }
        if (size < 0 || size > MAX_CHUNK) {
            // The chunk's length is unknown, so the rest of the input cannot be framed safely.
            log.info("session={} peer={} invalid BDAT size; closing", sessionId, peer);
            state.resetTransaction();
            closeWith(ctx, SmtpReply.of(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection"));
            return;
        }
        chunkRemaining = size;
        chunkSize = size;
        chunkLast = last;
        chunkDiscard = false;
        SmtpReply refusal = null;
        if (!state.hasGreeting()) {
            refusal = Replies.BAD_SEQUENCE_HELO_FIRST;
        } else if (!state.inTransaction()) {
            refusal = Replies.BAD_SEQUENCE_MAIL_FIRST;
        } else if (state.recipients.isEmpty()) {
            refusal = Replies.BAD_SEQUENCE_RCPT_FIRST;
        }
        if (refusal != null) {
            chunkDiscard = true;
            pendingChunkReply = refusal;
        } else if (state.writer == null && !openMessage(ctx, false)) {
            // openMessage has replied 451; the chunk is still read and dropped.
            chunkDiscard = true;
            pendingChunkReply = null;
        }
        mode = Mode.CHUNK;
        if (chunkRemaining == 0) {
            // An empty chunk (often BDAT 0 LAST) is complete now; no further input will arrive for it.
            readChunk(ctx, Unpooled.EMPTY_BUFFER);
        }
    }

    /** Reads chunk octets; returns false when more input is needed. */
    private boolean readChunk(ChannelHandlerContext ctx, ByteBuf in) {
        if (chunkDiscard) {
            int skip = (int) Math.min(chunkRemaining, in.readableBytes());
            in.skipBytes(skip);
            chunkRemaining -= skip;
        } else {
            chunkRemaining -= dataReader.readChunk(in, (int) Math.min(chunkRemaining, Integer.MAX_VALUE));
        }
        if (chunkRemaining > 0) {
            return false;
        }
        mode = Mode.COMMAND;
        if (chunkDiscard) {
            if (pendingChunkReply != null) {
                replyError(ctx, pendingChunkReply);
            }
            return true;
        }
        if (chunkLast) {
            dataReader.finishChunks();
            endOfMessage(ctx);
            return true;
        }
        if (dataReader.fault() != DataReader.Fault.NONE) {
            // Reject now, so the client does not send the remaining chunks for nothing.
            rejectMessage(ctx, dataReader);
            return true;
        }
        reply(ctx, SmtpReply.of(250, "2.0.0", chunkSize + " octets received"));
        return true;
    }

    private void endOfMessage(ChannelHandlerContext ctx) {
        DataReader reader = dataReader;
        mode = Mode.COMMAND;
        if (reader.fault() != DataReader.Fault.NONE) {
            rejectMessage(ctx, reader);
            return;
        }
        dataReader = null;
        SmtpReply tenantRejection = checkTenant(reader);
        if (tenantRejection != null) {
            state.resetTransaction();
            replyError(ctx, tenantRejection);
            return;
        }
        MessageWriter writer = state.writer;
        state.writer = null;
        DraftMessage draft = new DraftMessage(state.reversePath, state.recipients, state.eightBitMime,
                clientAddress, state.heloName, context.listener().name(), state.tlsProtocol, state.options,
                state.dsnRequests, new ClientIdentity(state.authenticatedUser == null ? "" : state.authenticatedUser,
                        state.clientCertificate.certificateSubject(), state.clientCertificate.certificateNames()));
        state.resetTransaction();
        mode = Mode.WAITING;
        ctx.channel().config().setAutoRead(false);
        context.submission().submit(draft, writer).whenComplete((result, failure) ->
                ctx.executor().execute(() -> afterSubmission(ctx, result, failure)));
    }

    private void rejectMessage(ChannelHandlerContext ctx, DataReader reader) {
        dataReader = null;
        SmtpReply rejection = switch (reader.fault()) {
            case BARE_LINE_ENDING -> Replies.MESSAGE_BARE_LINE_ENDING;
            case LINE_TOO_LONG -> Replies.MESSAGE_LINE_TOO_LONG;
            case TOO_BIG -> SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum of "
                    + context.listener().maxMessageSize() + " octets");
            case TOO_MANY_HOPS -> SmtpReply.of(554, "5.4.6", "Too many hops (" + reader.hops()
                    + " Received headers): mail loop detected");
            case WRITE_FAILED -> Replies.storageFailure(reader.writeFailure());
            case NONE -> throw new IllegalStateException("no fault to reject");
        };
        if (reader.fault() == DataReader.Fault.WRITE_FAILED) {
            log.error("session={} peer={} queueId={} spool write failed: {}", sessionId, peer,
                    state.writer.id(), reader.writeFailure().toString());
        } else {
            log.info("session={} peer={} queueId={} message rejected: {}", sessionId, peer, state.writer.id(), rejection);
        }
        state.resetTransaction();
        replyError(ctx, rejection);
    }

    private void afterSubmission(ChannelHandlerContext ctx, SubmissionResult result, Throwable failure) {
        if (mode == Mode.CLOSED) {
            return;
        }
        mode = Mode.COMMAND;
        if (failure != null) {
            log.error("session={} peer={} submission failed unexpectedly", sessionId, peer, failure);
            replyError(ctx, Replies.SPOOL_FAILED);
        } else if (result instanceof SubmissionResult.Queued queued) {
            reply(ctx, SmtpReply.of(250, "2.0.0", "Ok: queued as " + queued.id()));
        } else if (result instanceof SubmissionResult.Rejected rejected) {
            replyError(ctx, parseReply(rejected.reply()));
        }
        resume(ctx);
    }

    /** Flushes, re-enables reading and processes input that waited in the accumulation buffer. */
    private void resume(ChannelHandlerContext ctx) {
        ctx.flush();
        if (mode == Mode.CLOSED) {
            return;
        }
        ctx.channel().config().setAutoRead(true);
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            ctx.flush();
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    private void auth(ChannelHandlerContext ctx, String argument) {
        if (!context.offersAuth()) {
            replyError(ctx, Replies.NOT_IMPLEMENTED);
            return;
        }
        if (state.tlsProtocol == null) {
            replyError(ctx, Replies.AUTH_NEEDS_TLS);
            return;
        }
        if (!state.hasGreeting()) {
            replyError(ctx, Replies.BAD_SEQUENCE_HELO_FIRST);
            return;
        }
        if (state.authenticatedUser != null) {
            replyError(ctx, Replies.ALREADY_AUTHENTICATED);
            return;
        }
        if (state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_IN_TRANSACTION);
            return;
        }
        if (argument.isBlank()) {
            replyError(ctx, SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
            return;
        }
        authExchange = new AuthExchange();
        authStep(ctx, authExchange.start(argument));
    }

    private void authStep(ChannelHandlerContext ctx, AuthExchange.Step step) {
        if (step instanceof AuthExchange.Challenge challenge) {
            mode = Mode.AUTH_RESPONSE;
            ctx.write(Unpooled.wrappedBuffer(("334 " + challenge.base64Text() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            return;
        }
        mode = Mode.COMMAND;
        authExchange = null;
        if (step instanceof AuthExchange.Failed failed) {
            replyError(ctx, failed.reply());
            return;
        }
        AuthExchange.Complete complete = (AuthExchange.Complete) step;
        String user = complete.user();
        mode = Mode.WAITING;
        ctx.channel().config().setAutoRead(false);
        context.authenticator().authenticate(clientInet, user, complete.password()).whenComplete((valid, failure) ->
                ctx.executor().execute(() -> afterAuthentication(ctx, user, Boolean.TRUE.equals(valid) && failure == null)));
    }

    private void afterAuthentication(ChannelHandlerContext ctx, String user, boolean valid) {
        if (mode == Mode.CLOSED) {
            return;
        }
        mode = Mode.COMMAND;
        if (valid) {
            state.authenticatedUser = user;
            log.info("session={} peer={} authenticated as {}", sessionId, peer, user);
            reply(ctx, Replies.AUTH_OK);
        } else {
            replyError(ctx, Replies.AUTH_FAILED);
        }
        resume(ctx);
    }

    private void rset(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        state.resetTransaction();
        dataReader = null;
        reply(ctx, Replies.RESET_OK);
    }

    private void quit(ChannelHandlerContext ctx) {
        mode = Mode.CLOSED;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(SmtpReply.of(221, "2.0.0", "Bye").encode()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void startTls(ChannelHandlerContext ctx, ByteBuf in, String argument) {
        if (!context.offersStartTls()) {
            replyError(ctx, Replies.NOT_IMPLEMENTED);
            return;
        }
        if (state.tlsProtocol != null) {
            replyError(ctx, Replies.BAD_SEQUENCE_TLS_ACTIVE);
            return;
        }
        if (!argument.isEmpty()) {
            replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        if (state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_IN_TRANSACTION);
            return;
        }
        int injected = in.readableBytes();
        if (injected > 0) {
            log.info("session={} peer={} discarded {} octets pipelined after STARTTLS", sessionId, peer, injected);
            in.skipBytes(injected);
        }
        // startTls=true lets the 220 below leave in clear text; everything after it is TLS.
        SslHandler tls = new SslHandler(context.sslContext().newEngine(ctx.alloc()), true);
        ctx.pipeline().addBefore(ctx.name(), "tls", tls);
        mode = Mode.WAITING;
        reply(ctx, Replies.START_TLS);
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            onHandshake(ctx, handshake);
            return;
        }
        if (event instanceof IdleStateEvent) {
            onIdle(ctx);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private void onHandshake(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            log.info("session={} peer={} TLS handshake failed: {}", sessionId, peer, handshake.cause().toString());
            mode = Mode.CLOSED;
            ctx.close();
            return;
        }
        SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        boolean afterStartTls = mode == Mode.WAITING;
        if (afterStartTls) {
            state.resetAfterTls();
        }
        state.tlsProtocol = session.getProtocol();
        state.tlsCipher = session.getCipherSuite();
        state.certificateIdentity = matchClientCertificate(session);
        log.info("session={} peer={} TLS established: {} {}", sessionId, peer, state.tlsProtocol, state.tlsCipher);
        if (afterStartTls) {
            mode = Mode.COMMAND;
            resume(ctx);
        }
    }

    /** Returns the name of a validated client certificate that grants relay, or null. */
    private String matchClientCertificate(SSLSession session) {
        ListenerConfig.ClientCertificates accepted = context.listener().clientCertificates();
        if (accepted == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            state.clientCertificate = new ClientIdentity("", certificate.getSubjectX500Principal().getName(),
                    CertificateNames.namesOf(certificate));
            String name = CertificateNames.firstMatch(certificate, accepted.allowedNames());
            log.info("session={} peer={} client certificate {} {}", sessionId, peer,
                    certificate.getSubjectX500Principal().getName(), name == null ? "matches no allowed name" : "accepted as " + name);
            return name;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private void onIdle(ChannelHandlerContext ctx) {
        if (mode == Mode.CLOSED || mode == Mode.WAITING) {
            return;
        }
        boolean inData = mode == Mode.DATA || mode == Mode.CHUNK;
        long allowedNanos = (inData ? context.listener().dataTimeout() : context.listener().commandTimeout()).toNanos();
        if (System.nanoTime() - lastReadNanos < allowedNanos) {
            return;
        }
        log.info("session={} peer={} timed out waiting for {}", sessionId, peer, inData ? "data" : "a command");
        closeWith(ctx, inData ? Replies.DATA_TIMEOUT : Replies.COMMAND_TIMEOUT);
    }

    /** Sends a final reply and closes; used for timeouts, error limits and shutdown. */
    void closeWith(ChannelHandlerContext ctx, SmtpReply reply) {
        if (mode == Mode.CLOSED) {
            return;
        }
        if (mode != Mode.WAITING) {
            state.resetTransaction();
        }
        mode = Mode.CLOSED;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.encode())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof io.netty.handler.codec.DecoderException) {
            log.debug("session={} peer={} connection error: {}", sessionId, peer, cause.toString());
        } else {
            log.warn("session={} peer={} closing after an error: {}", sessionId, peer, cause.toString());
        }
        if (mode != Mode.WAITING) {
            state.resetTransaction();
        }
        mode = Mode.CLOSED;
        ctx.close();
    }

    private void reply(ChannelHandlerContext ctx, SmtpReply reply) {
        ctx.write(Unpooled.wrappedBuffer(reply.encode()));
    }

    private void replyError(ChannelHandlerContext ctx, SmtpReply reply) {
        reply(ctx, reply);
        state.errors++;
        if (state.errors >= context.listener().maxErrors()) {
            log.info("session={} peer={} closed after {} errors", sessionId, peer, state.errors);
            closeWith(ctx, Replies.TOO_MANY_ERRORS);
        }
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    /** Turns a policy reply line such as {@code 554 5.7.1 text} into a reply, defaulting safely. */
    static SmtpReply parseReply(String line) {
        String[] parts = line.split(" ", 3);
        try {
            int code = Integer.parseInt(parts[0]);
            if (parts.length == 3 && parts[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                return SmtpReply.of(code, parts[1], parts[2]);
            }
            String text = line.substring(parts[0].length()).trim();
            return SmtpReply.of(code, code >= 500 ? "5.7.1" : "4.7.1", text.isEmpty() ? "Rejected" : text);
        } catch (IllegalArgumentException e) {
            return SmtpReply.of(554, "5.7.1", "Message rejected by policy");
        }
    }
}

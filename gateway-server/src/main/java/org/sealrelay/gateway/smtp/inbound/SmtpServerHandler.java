package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import org.sealrelay.gateway.config.Cidr;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.submission.DraftMessage;
import org.sealrelay.gateway.submission.SubmissionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one SMTP connection: line framing, the command state machine, STARTTLS
 * and the DATA phase.
 *
 * <p>Framing is strict: a command line ends only at CRLF, and a line with a bare CR or LF is
 * rejected whole. Pipelined commands (RFC 2920) are handled in order from the accumulated
 * input; replies are flushed when the input runs dry. While a message is being decided and
 * committed, reading stops and the rest of the input waits in the accumulation buffer, so
 * pipelined commands after DATA are answered only after the 250 or the rejection.
 *
 * <p>STARTTLS (RFC 3207): the TLS handler goes in front of the pipeline before the 220 is
 * written, and every byte that arrived with or after the STARTTLS line is discarded, because
 * a man in the middle could have put commands there to run inside the encrypted session.
 * After the handshake the session starts over from EHLO.
 */
final class SmtpServerHandler extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(SmtpServerHandler.class);
    private static final AtomicLong SESSION_COUNTER = new AtomicLong();

    /** RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    /** Errors tolerated in one session before it is closed with 421. */
    static final int MAX_ERRORS = 20;

    private enum Mode {
        COMMAND,
        /** Skipping the rest of an over-long command line up to its CRLF. */
        DISCARD_LINE,
        DATA,
        /** Waiting for the submission or the TLS handshake; input is not read. */
        WAITING,
        CLOSED
    }

    private final InboundContext context;
    private final SessionState state = new SessionState();
    private final String sessionId = Long.toString(SESSION_COUNTER.incrementAndGet(), 36);
    private Mode mode = Mode.COMMAND;
    private DataReader dataReader;
    private String peer = "unknown";
    private String clientAddress = "";
    private InetAddress clientInet;
    private long lastReadNanos = System.nanoTime();

    SmtpServerHandler(InboundContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        clientInet = remote.getAddress();
        clientAddress = clientInet.getHostAddress();
        peer = clientInet instanceof Inet6Address
                ? "[" + clientAddress + "]:" + remote.getPort() : clientAddress + ":" + remote.getPort();
        log.info("session={} peer={} listener={} connect", sessionId, peer, context.listener().name());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(
                SmtpReply.plain(220, context.hostname() + " ESMTP SealRelay").encode()));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (mode != Mode.WAITING) {
            state.resetTransaction();
        }
        mode = Mode.CLOSED;
        log.info("session={} peer={} disconnect", sessionId, peer);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = System.nanoTime();
        super.channelRead(ctx, msg);
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
                    endOfData(ctx);
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
                case COMMAND -> {
                    if (!readCommandLine(ctx, in)) {
                        return;
                    }
                }
                case WAITING, CLOSED -> {
                    return;
                }
                default -> throw new IllegalStateException("unknown mode " + mode);
            }
        }
    }

    /** Reads and runs one command line; returns false when the line is not complete yet. */
    private boolean readCommandLine(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int lf = in.forEachByte(ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > MAX_COMMAND_LINE) {
                in.skipBytes(in.readableBytes());
                mode = Mode.DISCARD_LINE;
            }
            return false;
        }
        int length = lf - start + 1;
        if (length > MAX_COMMAND_LINE) {
            in.readerIndex(lf + 1);
            replyError(ctx, Replies.LINE_TOO_LONG);
            return true;
        }
        boolean properEnd = length >= 2 && in.getByte(lf - 1) == '\r';
        int cr = length > 1 ? in.indexOf(start, lf - 1, (byte) '\r') : -1;
        if (!properEnd || cr >= 0) {
            in.readerIndex(lf + 1);
            log.debug("session={} peer={} command with bare CR or LF rejected", sessionId, peer);
            replyError(ctx, Replies.BARE_LINE_ENDING);
            return true;
        }
        // ISO-8859-1 maps each octet to one char, so non-ASCII input stays visible to the parsers.
        String line = in.toString(start, length - 2, StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        runCommand(ctx, in, line);
        return true;
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
            case "RSET" -> rset(ctx, argument);
            case "NOOP" -> reply(ctx, Replies.NOOP_OK);
            case "QUIT" -> quit(ctx);
            case "STARTTLS" -> startTls(ctx, in, argument);
            case "VRFY" -> reply(ctx, Replies.VRFY);
            case "HELP" -> reply(ctx, Replies.HELP);
            case "EXPN", "TURN", "ETRN", "BDAT", "AUTH" -> replyError(ctx, Replies.NOT_IMPLEMENTED);
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
        lines.add("ENHANCEDSTATUSCODES");
        if (context.offersStartTls() && state.tlsProtocol == null) {
            lines.add("STARTTLS");
        }
        reply(ctx, new SmtpReply(250, null, lines));
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
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "FROM", true);
        } catch (PathArgument.SyntaxException e) {
            replyError(ctx, SmtpReply.of(501, "5.1.7", "Bad sender address syntax: " + e.getMessage()));
            return;
        }
        boolean eightBit = false;
        for (var parameter : path.parameters().entrySet()) {
            String value = parameter.getValue();
            switch (state.extended ? parameter.getKey() : "") {
                case "SIZE" -> {
                    if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        replyError(ctx, SmtpReply.of(501, "5.5.4", "Invalid SIZE value: expected a number of octets"));
                        return;
                    }
                    if (Long.parseLong(value) > context.listener().maxMessageSize()) {
                        replyError(ctx, SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum of "
                                + context.listener().maxMessageSize() + " octets"));
                        return;
                    }
                }
                case "BODY" -> {
                    String body = value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        replyError(ctx, SmtpReply.of(501, "5.5.4", "Invalid BODY value: expected 7BIT or 8BITMIME"));
                        return;
                    }
                    eightBit = body.equals("8BITMIME");
                }
                default -> {
                    replyError(ctx, SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter " + parameter.getKey()));
                    return;
                }
            }
        }
        state.reversePath = path.address();
        state.eightBitMime = eightBit;
        reply(ctx, Replies.SENDER_OK);
    }

    private void rcpt(ChannelHandlerContext ctx, String argument) {
        if (!state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return;
        }
        PathArgument path;
        try {
            path = PathArgument.parse(argument, "TO", false);
        } catch (PathArgument.SyntaxException e) {
            replyError(ctx, SmtpReply.of(501, "5.1.3", "Bad recipient address syntax: " + e.getMessage()));
            return;
        }
        if (!path.parameters().isEmpty()) {
            String first = path.parameters().keySet().iterator().next();
            replyError(ctx, SmtpReply.of(555, "5.5.4", "Unsupported RCPT parameter " + first));
            return;
        }
        if (state.recipients.size() >= context.listener().maxRecipients()) {
            replyError(ctx, Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        if (!relayAllowed()) {
            log.info("session={} peer={} relay denied for recipient domain {}", sessionId, peer, domainOf(path.address()));
            replyError(ctx, Replies.RELAY_DENIED);
            return;
        }
        state.recipients.add(path.address());
        reply(ctx, Replies.RECIPIENT_OK);
    }

    private boolean relayAllowed() {
        for (Cidr network : context.listener().relayNetworks()) {
            if (network.contains(clientInet)) {
                return true;
            }
        }
        return false;
    }

    private void data(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        if (!state.inTransaction()) {
            replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return;
        }
        if (state.recipients.isEmpty()) {
            replyError(ctx, Replies.BAD_SEQUENCE_RCPT_FIRST);
            return;
        }
        MessageWriter writer;
        try {
            writer = context.spool().newMessage();
            byte[] header = ReceivedHeader.build(state.heloName, clientAddress, context.hostname(), state.extended,
                    state.tlsProtocol, state.tlsCipher, writer.id().value(), state.recipients,
                    ZonedDateTime.now(context.clock()));
            state.writer = writer;
            writer.write(header, 0, header.length);
        } catch (IOException e) {
            log.error("session={} peer={} cannot start a spool file, replying 451: {}", sessionId, peer, e.toString());
            state.resetTransaction();
            replyError(ctx, Replies.SPOOL_FAILED);
            return;
        }
        dataReader = new DataReader(writer, writer.size(), context.listener().maxMessageSize());
        mode = Mode.DATA;
        reply(ctx, Replies.START_DATA);
    }

    private void endOfData(ChannelHandlerContext ctx) {
        DataReader reader = dataReader;
        dataReader = null;
        mode = Mode.COMMAND;
        SmtpReply rejection = switch (reader.fault()) {
            case NONE -> null;
            case BARE_LINE_ENDING -> Replies.MESSAGE_BARE_LINE_ENDING;
            case LINE_TOO_LONG -> Replies.MESSAGE_LINE_TOO_LONG;
            case TOO_BIG -> SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum of "
                    + context.listener().maxMessageSize() + " octets");
            case WRITE_FAILED -> Replies.SPOOL_FAILED;
        };
        if (rejection != null) {
            if (reader.fault() == DataReader.Fault.WRITE_FAILED) {
                log.error("session={} peer={} queueId={} spool write failed: {}", sessionId, peer,
                        state.writer.id(), reader.writeFailure().toString());
            } else {
                log.info("session={} peer={} queueId={} message rejected: {}", sessionId, peer,
                        state.writer.id(), rejection);
            }
            state.resetTransaction();
            replyError(ctx, rejection);
            return;
        }

        MessageWriter writer = state.writer;
        state.writer = null;
        DraftMessage draft = new DraftMessage(state.reversePath, state.recipients, state.eightBitMime,
                clientAddress, state.heloName, context.listener().name(), state.tlsProtocol);
        state.resetTransaction();
        mode = Mode.WAITING;
        ctx.channel().config().setAutoRead(false);
        context.submission().submit(draft, writer).whenComplete((result, failure) ->
                ctx.executor().execute(() -> afterSubmission(ctx, result, failure)));
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
        ctx.flush();
        ctx.channel().config().setAutoRead(true);
        resumeReading(ctx);
    }

    /** Processes commands that were pipelined behind DATA and waited in the accumulation buffer. */
    private void resumeReading(ChannelHandlerContext ctx) {
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            ctx.flush();
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    private void rset(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        state.resetTransaction();
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
        ctx.pipeline().addFirst("tls", tls);
        mode = Mode.WAITING;
        reply(ctx, Replies.START_TLS);
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                state.resetAfterTls();
                state.tlsProtocol = session.getProtocol();
                state.tlsCipher = session.getCipherSuite();
                log.info("session={} peer={} TLS established: {} {}", sessionId, peer, state.tlsProtocol,
                        state.tlsCipher);
                mode = Mode.COMMAND;
                resumeReading(ctx);
            } else {
                log.info("session={} peer={} TLS handshake failed: {}", sessionId, peer, handshake.cause().toString());
                mode = Mode.CLOSED;
                ctx.close();
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            onIdle(ctx);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private void onIdle(ChannelHandlerContext ctx) {
        if (mode == Mode.CLOSED || (mode == Mode.WAITING && state.tlsProtocol != null)) {
            return;
        }
        boolean inData = mode == Mode.DATA;
        long allowedNanos = (inData ? context.listener().dataTimeout() : context.listener().commandTimeout()).toNanos();
        if (mode == Mode.WAITING || System.nanoTime() - lastReadNanos < allowedNanos) {
            return;
        }
        log.info("session={} peer={} timed out waiting for {}", sessionId, peer, inData ? "data" : "a command");
        closeWith(ctx, inData ? Replies.DATA_TIMEOUT : Replies.COMMAND_TIMEOUT);
    }

    /** Sends 421 and closes; used for timeouts and shutdown. */
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
        if (cause instanceof IOException) {
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
        if (state.errors >= MAX_ERRORS) {
            log.info("session={} peer={} closed after {} errors", sessionId, peer, state.errors);
            closeWith(ctx, Replies.TOO_MANY_ERRORS);
        }
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

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }
}

package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one SMTP connection: line framing, the session life cycle and command
 * dispatch. {@link SmtpVerb} maps each verb to its command group: {@link ConnectionCommands}
 * (EHLO, HELO, STARTTLS, AUTH), {@link EnvelopeCommands} (MAIL, RCPT, RSET) and
 * {@link MessageCommands} (DATA, BDAT and the message content).
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
    /** The logger of every line of a session, including those of its command groups. */
    static final Logger log = LoggerFactory.getLogger(SmtpServerHandler.class);
    private static final AtomicLong SESSION_COUNTER = new AtomicLong();

    /** RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    /** RFC 4954 section 4: an AUTH command or response line may be up to 12288 octets. */
    static final int MAX_AUTH_LINE = 12_288;

    /** Input state of the session, switched by the handler and by the command groups as they run. */
    enum Mode {
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
    final String sessionId = Long.toString(SESSION_COUNTER.incrementAndGet(), 36);
    final ConnectionCommands connection;
    final MessageCommands messages;
    final EnvelopeCommands envelope;
    private Mode mode = Mode.COMMAND;
    private String peer = "unknown";
    private String clientAddress = "";
    private InetAddress clientInet;
    private boolean counted;
    private long lastReadNanos = System.nanoTime();

    SmtpServerHandler(InboundContext context) {
        this.context = context;
        this.connection = new ConnectionCommands(this, context, state);
        this.messages = new MessageCommands(this, context, state);
        this.envelope = new EnvelopeCommands(this, context, state);
    }

    Mode mode() {
        return mode;
    }

    void mode(Mode next) {
        mode = next;
    }

    /** Returns the client's address and port, taken from the PROXY header when the listener uses one. */
    String peer() {
        return peer;
    }

    InetAddress clientInet() {
        return clientInet;
    }

    String clientAddress() {
        return clientAddress;
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
                    if (!messages.readData(ctx, in)) {
                        return;
                    }
                }
                case CHUNK -> {
                    if (!messages.readChunk(ctx, in)) {
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
            connection.authResponse(ctx, line);
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
            connection.abandonAuth();
            mode = Mode.COMMAND;
        }
    }


    private void runCommand(ChannelHandlerContext ctx, ByteBuf in, String line) {
        int space = line.indexOf(' ');
        SmtpVerb verb = SmtpVerb.find(line, space < 0 ? line.length() : space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        if (verb == null) {
            replyError(ctx, Replies.UNKNOWN_COMMAND);
            return;
        }
        verb.run(this, ctx, in, argument);
    }


    void quit(ChannelHandlerContext ctx) {
        mode = Mode.CLOSED;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(SmtpReply.of(221, "2.0.0", "Bye").encode()))
                .addListener(ChannelFutureListener.CLOSE);
    }


    /** Flushes, re-enables reading and processes input that waited in the accumulation buffer. */
    void resume(ChannelHandlerContext ctx) {
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


    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            connection.onHandshake(ctx, handshake);
            return;
        }
        if (event instanceof IdleStateEvent) {
            onIdle(ctx);
            return;
        }
        super.userEventTriggered(ctx, event);
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

    void reply(ChannelHandlerContext ctx, SmtpReply reply) {
        ctx.write(Unpooled.wrappedBuffer(reply.encode()));
    }

    void replyError(ChannelHandlerContext ctx, SmtpReply reply) {
        reply(ctx, reply);
        state.errors++;
        if (state.errors >= context.listener().maxErrors()) {
            log.info("session={} peer={} closed after {} errors", sessionId, peer, state.errors);
            closeWith(ctx, Replies.TOO_MANY_ERRORS);
        }
    }
}

package org.sealrelay.gateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP client session of the load generator, as the handler of one Netty channel: read the
 * 220 greeting, EHLO, optional STARTTLS with EHLO again, then MAIL, RCPT and DATA per message,
 * and QUIT. Commands are sent one at a time without pipelining, as smtp-source sends them by
 * default. Every method runs on the channel's event loop, except the constructor.
 *
 * <p>The session decodes reply lines itself, straight from the received buffer, and builds a
 * string only for an error message.
 */
final class LoadSession extends ByteToMessageDecoder implements ChannelFutureListener {
    /** A reply other than the one the dialogue needs, or a reply that is not valid SMTP. */
    static final class UnexpectedReplyException extends IOException {
        UnexpectedReplyException(String message) {
            super(message);
        }
    }

    /** Receiver of the session's events, called on the session's event loop. */
    interface Listener {
        /** The server accepted the first EHLO. */
        void opened();

        /** The server accepted EHLO after the TLS handshake. */
        void tlsEstablished();

        /** The server replied 250 to the end of data, {@code latencyNanos} after the last octet was written. */
        void accepted(long latencyNanos);

        /** Returns the index of the next message to send, or -1 when every message is claimed. */
        int claimMessage();

        /**
         * The session ended with an error. {@code messageInFlight} is true when a claimed message
         * had not been accepted yet. Called at most once per session.
         */
        void failed(Throwable error, boolean messageInFlight);
    }

    /** Longest reply line accepted, CRLF excluded. RFC 5321 section 4.5.3.1.5 sets 512 octets including CRLF. */
    static final int MAX_LINE = 4096;

    /** Position in the dialogue, with the reply code it expects and the step name used in error messages. */
    private enum Step {
        GREETING(220, "greeting"),
        EHLO(250, "EHLO"),
        STARTTLS(220, "STARTTLS"),
        TLS_HANDSHAKE(0, "TLS handshake"),
        EHLO_AFTER_TLS(250, "EHLO"),
        MAIL(250, "MAIL FROM"),
        RCPT(250, "RCPT TO"),
        DATA(354, "DATA"),
        END_OF_DATA(250, "end of data"),
        QUIT(221, "QUIT");

        /** The reply code that lets the dialogue go on, or 0 while no reply is due. */
        final int expectedCode;
        final String label;

        Step(int expectedCode, String label) {
            this.expectedCode = expectedCode;
            this.label = label;
        }
    }

    private final LoadBuffers buffers;
    private final Listener listener;
    /** Null for a session without STARTTLS. */
    private final SslContext tls;
    private final String host;
    private final int port;
    private final int messagesPerSession;
    private final long timeoutNanos;
    private final Runnable timeoutCheck = this::checkTimeout;

    private ChannelHandlerContext ctx;
    private Step step = Step.GREETING;
    private int messageIndex;
    private int messagesAccepted;
    /** True from the moment a message is claimed until the server has accepted it. */
    private boolean messageInFlight = true;
    private boolean finished;
    private long dataFlushNanos;
    private long dataWrittenNanos;
    /** System.nanoTime() by which the awaited reply must arrive. */
    private long replyDeadlineNanos;
    private ScheduledFuture<?> timer;

    /**
     * Creates a session that will send message {@code firstMessage} first.
     *
     * @param tls the client context for STARTTLS, or null to send no STARTTLS
     */
    LoadSession(LoadBuffers buffers, Listener listener, SslContext tls, String host, int port,
            int messagesPerSession, long timeoutNanos, int firstMessage) {
        this.buffers = buffers;
        this.listener = listener;
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.messagesPerSession = messagesPerSession;
        this.timeoutNanos = timeoutNanos;
        this.messageIndex = firstMessage;
    }

    /** Records a failed connect; the channel never became active, so no other event follows. */
    void connectFailed(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        listener.failed(cause, messageInFlight);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armTimeout();
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!finished && in.isReadable()) {
            int start = in.readerIndex();
            int lineEnd = findCrlf(in);
            if (lineEnd < 0) {
                // A line of MAX_LINE octets may still be waiting for its LF after the CR.
                if (in.readableBytes() > MAX_LINE + 1) {
                    fail(new UnexpectedReplyException("after " + step.label + ": reply line longer than "
                            + MAX_LINE + " octets"));
                }
                return;
            }
            int length = lineEnd - start;
            in.readerIndex(lineEnd + 2);
            if (length > MAX_LINE) {
                fail(new UnexpectedReplyException("after " + step.label + ": reply line longer than "
                        + MAX_LINE + " octets"));
                return;
            }
            if (isLastLineOfExpectedReply(in, start, length)) {
                onReply(in);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && !finished) {
            if (handshake.isSuccess()) {
                send(Step.EHLO_AFTER_TLS, buffers.ehlo());
            } else {
                fail(handshake.cause());
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        fail(new EOFException("after " + step.label + ": connection closed by the server before the reply"));
    }

    @Override
    public void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    /** Completion of the message write: the last octet is in the socket, so the accept latency starts now. */
    @Override
    public void operationComplete(ChannelFuture write) {
        if (!write.isSuccess()) {
            fail(write.cause());
            return;
        }
        if (step == Step.END_OF_DATA) {
            dataWrittenNanos = System.nanoTime();
            armTimeout();
        }
    }

    /**
     * Checks one reply line, the CRLF excluded, against the awaited reply and fails the session
     * when it does not match. Returns true when the line is the last of a matching reply.
     */
    private boolean isLastLineOfExpectedReply(ByteBuf in, int start, int length) {
        boolean wellFormed = length >= 3 && isDigit(in.getByte(start)) && isDigit(in.getByte(start + 1))
                && isDigit(in.getByte(start + 2));
        byte separator = length > 3 ? in.getByte(start + 3) : (byte) ' ';
        if (!wellFormed || (separator != ' ' && separator != '-')) {
            fail(new UnexpectedReplyException("after " + step.label + ": expected an SMTP reply line; got '"
                    + printable(in, start, length) + "'"));
            return false;
        }
        int code = (in.getByte(start) - '0') * 100 + (in.getByte(start + 1) - '0') * 10 + (in.getByte(start + 2) - '0');
        if (step.expectedCode == 0) {
            fail(new UnexpectedReplyException("after " + step.label + ": expected no reply; got '"
                    + printable(in, start, length) + "'"));
            return false;
        }
        if (code != step.expectedCode) {
            fail(new UnexpectedReplyException("after " + step.label + ": expected " + step.expectedCode + "; got '"
                    + printable(in, start, length) + "'"));
            return false;
        }
        return separator == ' ';
    }

    /** Takes the next step of the dialogue once the awaited reply is complete. */
    private void onReply(ByteBuf in) {
        switch (step) {
            case GREETING -> send(Step.EHLO, buffers.ehlo());
            case EHLO -> {
                listener.opened();
                if (tls != null) {
                    send(Step.STARTTLS, buffers.startTls());
                } else {
                    send(Step.MAIL, buffers.mailFrom());
                }
            }
            case STARTTLS -> startHandshake(in);
            case EHLO_AFTER_TLS -> {
                listener.tlsEstablished();
                send(Step.MAIL, buffers.mailFrom());
            }
            case MAIL -> send(Step.RCPT, buffers.rcptTo());
            case RCPT -> send(Step.DATA, buffers.data());
            case DATA -> sendMessage();
            case END_OF_DATA -> onAccepted();
            case QUIT -> {
                finished = true;
                cancelTimer();
                ctx.close();
            }
            case TLS_HANDSHAKE -> throw new IllegalStateException("no reply is due during the TLS handshake");
        }
    }

    /**
     * Puts the SslHandler in front of this handler before the next read, so every later octet
     * passes through TLS. Octets that arrived in clear text after the 220 reply are dropped,
     * because RFC 3207 section 4.2 has the client discard what it learned before TLS.
     */
    private void startHandshake(ByteBuf in) {
        in.skipBytes(in.readableBytes());
        step = Step.TLS_HANDSHAKE;
        armTimeout();
        // The peer address keys the client session cache, so a server that issues session
        // tickets gets resumed handshakes, as the JDK client resumes them.
        SslHandler ssl = tls.newHandler(ctx.alloc(), host, port);
        // This session's own reply timeout covers the handshake, so SslHandler's timer is off.
        ssl.setHandshakeTimeoutMillis(0);
        ctx.pipeline().addFirst("tls", ssl);
    }

    private void sendMessage() {
        step = Step.END_OF_DATA;
        dataWrittenNanos = 0;
        armTimeout();
        dataFlushNanos = System.nanoTime();
        ctx.writeAndFlush(buffers.message(messageIndex)).addListener(this);
    }

    private void onAccepted() {
        long now = System.nanoTime();
        // The write listener runs before the reply can be read, because the server replies only
        // after the final ".CRLF". The flush time guards against a transport that reorders them.
        long written = dataWrittenNanos != 0 ? dataWrittenNanos : dataFlushNanos;
        messageInFlight = false;
        messagesAccepted++;
        listener.accepted(now - written);
        if (messagesAccepted < messagesPerSession) {
            int next = listener.claimMessage();
            if (next >= 0) {
                messageIndex = next;
                messageInFlight = true;
                send(Step.MAIL, buffers.mailFrom());
                return;
            }
        }
        send(Step.QUIT, buffers.quit());
    }

    private void send(Step next, ByteBuf command) {
        if (finished) {
            return;
        }
        step = next;
        armTimeout();
        ctx.writeAndFlush(command).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void fail(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        listener.failed(error, messageInFlight);
        ctx.close();
    }

    /**
     * Starts the wait for the next reply. One timer per session is rescheduled lazily: arming
     * moves the deadline, and the timer, when it fires early, waits out the rest.
     */
    private void armTimeout() {
        replyDeadlineNanos = System.nanoTime() + timeoutNanos;
        if (timer == null) {
            timer = ctx.executor().schedule(timeoutCheck, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkTimeout() {
        timer = null;
        if (finished) {
            return;
        }
        long remaining = replyDeadlineNanos - System.nanoTime();
        if (remaining > 0) {
            timer = ctx.executor().schedule(timeoutCheck, remaining, TimeUnit.NANOSECONDS);
            return;
        }
        fail(new SocketTimeoutException("after " + step.label + ": no reply within "
                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s"));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Returns the index of the CR of the first CRLF, or -1; a bare LF stays part of the line. */
    private static int findCrlf(ByteBuf in) {
        int from = in.readerIndex();
        int end = in.writerIndex();
        while (from < end) {
            int lf = in.forEachByte(from, end - from, ByteProcessor.FIND_LF);
            if (lf < 0) {
                return -1;
            }
            if (lf > in.readerIndex() && in.getByte(lf - 1) == '\r') {
                return lf - 1;
            }
            from = lf + 1;
        }
        return -1;
    }

    private static boolean isDigit(byte octet) {
        return octet >= '0' && octet <= '9';
    }

    /** Cuts a reply line for an error message and replaces control characters with '?'. */
    private static String printable(ByteBuf in, int start, int length) {
        String line = in.toString(start, Math.min(length, 201), StandardCharsets.US_ASCII);
        String cut = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}

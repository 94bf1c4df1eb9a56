package org.sealrelay.gateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One SMTP session of {@link CountingSink}: it parses commands straight from the received
 * buffers, scans message content only for the end-of-data sequence CRLF.CRLF and discards it.
 *
 * <p>Replies to pipelined commands (RFC 2920) are collected in one buffer and written in order
 * when the read batch ends, so a batch costs one write. A message
 * counts once its end of data has arrived and the write that carries its 250 reply has
 * succeeded.
 */
final class CountingSinkSession extends ChannelInboundHandlerAdapter {
    /** Maximum command line in octets, CRLF included. RFC 5321 section 4.5.3.1.4 sets 512, which extensions may raise. */
    static final int MAX_COMMAND_LINE = 4096;

    private static final String HOSTNAME = "sink.bench.example";
    private static final byte[] END_OF_DATA = {'\r', '\n', '.', '\r', '\n'};

    private static final byte[] GREETING = ascii("220 " + HOSTNAME + " ESMTP CountingSink");
    private static final byte[] EHLO_BEFORE_TLS = ascii(ehloReply(true));
    private static final byte[] EHLO_AFTER_TLS = ascii(ehloReply(false));
    private static final byte[] HELO = ascii("250 " + HOSTNAME);
    private static final byte[] OK = ascii("250 2.0.0 Ok");
    private static final byte[] SENDER_OK = ascii("250 2.1.0 Ok");
    private static final byte[] RECIPIENT_OK = ascii("250 2.1.5 Ok");
    private static final byte[] START_DATA = ascii("354 End data with <CR><LF>.<CR><LF>");
    private static final byte[] QUEUED = ascii("250 2.0.0 Ok: queued");
    private static final byte[] READY_FOR_TLS = ascii("220 2.0.0 Ready to start TLS");
    private static final byte[] BYE = ascii("221 2.0.0 Bye");
    private static final byte[] TLS_REQUIRED = ascii("530 5.7.0 Must issue a STARTTLS command first");
    private static final byte[] TLS_ACTIVE = ascii("503 5.5.1 TLS already active");
    private static final byte[] NESTED_MAIL = ascii("503 5.5.1 Nested MAIL command");
    private static final byte[] NEED_MAIL = ascii("503 5.5.1 Need MAIL command");
    private static final byte[] NEED_RECIPIENT = ascii("503 5.5.1 Need RCPT command");
    private static final byte[] HELLO_SYNTAX = ascii("501 5.5.4 Syntax: EHLO domain or HELO domain");
    private static final byte[] MAIL_SYNTAX = ascii("501 5.5.4 Syntax: MAIL FROM:<reverse-path>");
    private static final byte[] RCPT_SYNTAX = ascii("501 5.5.4 Syntax: RCPT TO:<forward-path>");
    private static final byte[] NO_PARAMETERS = ascii("501 5.5.4 This command takes no parameters");
    private static final byte[] NOT_IMPLEMENTED = ascii("502 5.5.1 Command not implemented");
    private static final byte[] UNRECOGNIZED = ascii("500 5.5.2 Command unrecognized");
    private static final byte[] LINE_TOO_LONG = ascii("500 5.5.6 Line too long; closing the connection");

    private final CountingSink sink;
    private final SslContext tlsContext;
    private final boolean requireTls;

    /** Replies of the current read batch not yet written, or null when there are none. */
    private ByteBuf replies;
    /** Messages whose 250 reply is in {@link #replies}. */
    private int messagesInReplies;

    /** Start of a command line that has not yet reached its LF, in {@code partialLine[0, partialLength)}. */
    private byte[] partialLine;
    private int partialLength;

    private boolean inTransaction;
    private boolean hasRecipient;
    private boolean inData;
    /** Octets of {@link #END_OF_DATA} matched at the end of the content seen so far. */
    private int endOfDataMatched;

    /** Set once the TLS handshake has completed; messages after it count as TLS messages. */
    private boolean tlsActive;
    private boolean closing;

    CountingSinkSession(CountingSink sink, SslContext tlsContext, boolean requireTls) {
        this.sink = sink;
        this.tlsContext = tlsContext;
        this.requireTls = requireTls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        reply(ctx, GREETING);
        flushReplies(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            process(ctx, in);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushReplies(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                // RFC 3207 section 4.2: the client starts over with EHLO and no knowledge from before TLS.
                tlsActive = true;
                resetTransaction();
            } else {
                // SslHandler closes the channel itself. A failure that it also passes to
                // exceptionCaught is logged twice, within the rate limit.
                sink.logSessionError(ctx.channel(), handshake.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        sink.logSessionError(ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (replies != null) {
            replies.release();
            replies = null;
        }
    }

    private void process(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable() && !closing) {
            if (inData) {
                skipContent(ctx, in);
                continue;
            }
            int lineFeed = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lineFeed < 0) {
                keepPartialLine(ctx, in, in.readableBytes());
                return;
            }
            String line;
            if (partialLength == 0 && lineFeed - in.readerIndex() + 1 <= MAX_COMMAND_LINE) {
                line = in.toString(in.readerIndex(), lineFeed - in.readerIndex(), StandardCharsets.ISO_8859_1);
                in.readerIndex(lineFeed + 1);
            } else {
                if (!keepPartialLine(ctx, in, lineFeed - in.readerIndex() + 1)) {
                    return;
                }
                line = new String(partialLine, 0, partialLength - 1, StandardCharsets.ISO_8859_1);
                partialLength = 0;
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (!command(ctx, line)) {
                // Octets that followed STARTTLS in the same plaintext read are discarded, never
                // executed: TLS does not protect them, and RFC 3207 section 4.2 has the server
                // discard what it learned from the client before TLS. After QUIT nothing is read.
                return;
            }
        }
    }

    /**
     * Moves {@code length} octets of a command line into {@link #partialLine}. Returns false,
     * after replying and closing, when the line exceeds {@link #MAX_COMMAND_LINE}.
     */
    private boolean keepPartialLine(ChannelHandlerContext ctx, ByteBuf in, int length) {
        if (partialLength + length > MAX_COMMAND_LINE) {
            reply(ctx, LINE_TOO_LONG);
            closeAfterReplies(ctx);
            return false;
        }
        if (partialLine == null) {
            partialLine = new byte[MAX_COMMAND_LINE];
        }
        in.readBytes(partialLine, partialLength, length);
        partialLength += length;
        return true;
    }

    /**
     * Consumes content up to and including CRLF.CRLF, or all of {@code in} when the end is not in
     * it. Between matches it jumps from LF to LF with {@link ByteBuf#indexOf}, which reads 8
     * octets at a time, because every match has an LF as its second octet.
     */
    private void skipContent(ChannelHandlerContext ctx, ByteBuf in) {
        int index = in.readerIndex();
        int end = in.writerIndex();
        while (true) {
            if (index == end) {
                in.readerIndex(end);
                return;
            }
            if (endOfDataMatched >= 2) {
                if (!advanceEndOfData(in.getByte(index++))) {
                    break;
                }
                continue;
            }
            // endOfDataMatched is 0 or 1 here: 1 when the octet before index is a CR.
            int lineFeed = in.indexOf(index, end, (byte) '\n');
            if (lineFeed < 0) {
                endOfDataMatched = in.getByte(end - 1) == '\r' ? 1 : 0;
                in.readerIndex(end);
                return;
            }
            boolean afterCarriageReturn = lineFeed > index ? in.getByte(lineFeed - 1) == '\r' : endOfDataMatched == 1;
            endOfDataMatched = afterCarriageReturn ? 2 : 0;
            index = lineFeed + 1;
        }
        in.readerIndex(index);
        inData = false;
        resetTransaction();
        reply(ctx, QUEUED);
        messagesInReplies++;
    }

    /** Advances the match of CRLF.CRLF by one octet and returns false once the sequence is complete. */
    private boolean advanceEndOfData(byte octet) {
        if (octet == END_OF_DATA[endOfDataMatched]) {
            endOfDataMatched++;
            return endOfDataMatched < END_OF_DATA.length;
        }
        // CR is the only proper prefix of CRLF.CRLF that is also a suffix of a partial match.
        endOfDataMatched = octet == '\r' ? 1 : 0;
        return true;
    }

    /** Executes one command line and returns false when the rest of the buffer must be discarded. */
    private boolean command(ChannelHandlerContext ctx, String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).trim();
        switch (verb) {
            case "EHLO" -> hello(ctx, argument, tlsActive ? EHLO_AFTER_TLS : EHLO_BEFORE_TLS);
            case "HELO" -> hello(ctx, argument, HELO);
            case "MAIL" -> mail(ctx, line);
            case "RCPT" -> recipient(ctx, line);
            case "DATA" -> data(ctx, argument);
            case "RSET" -> {
                resetTransaction();
                reply(ctx, argument.isEmpty() ? OK : NO_PARAMETERS);
            }
            case "NOOP" -> reply(ctx, OK);
            case "QUIT" -> {
                reply(ctx, BYE);
                closeAfterReplies(ctx);
                return false;
            }
            case "STARTTLS" -> {
                return !startTls(ctx, argument);
            }
            case "VRFY", "EXPN", "HELP", "BDAT", "ETRN", "AUTH", "TURN" -> reply(ctx, NOT_IMPLEMENTED);
            default -> reply(ctx, UNRECOGNIZED);
        }
        return true;
    }

    private void hello(ChannelHandlerContext ctx, String domain, byte[] response) {
        if (domain.isEmpty()) {
            reply(ctx, HELLO_SYNTAX);
            return;
        }
        resetTransaction();
        reply(ctx, response);
    }

    private void mail(ChannelHandlerContext ctx, String line) {
        if (requireTls && !tlsActive) {
            reply(ctx, TLS_REQUIRED);
        } else if (inTransaction) {
            reply(ctx, NESTED_MAIL);
        } else if (!line.regionMatches(true, 0, "MAIL FROM:", 0, 10)) {
            reply(ctx, MAIL_SYNTAX);
        } else {
            inTransaction = true;
            reply(ctx, SENDER_OK);
        }
    }

    private void recipient(ChannelHandlerContext ctx, String line) {
        if (!inTransaction) {
            reply(ctx, NEED_MAIL);
        } else if (!line.regionMatches(true, 0, "RCPT TO:", 0, 8)) {
            reply(ctx, RCPT_SYNTAX);
        } else {
            hasRecipient = true;
            reply(ctx, RECIPIENT_OK);
        }
    }

    private void data(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            reply(ctx, NO_PARAMETERS);
        } else if (!hasRecipient) {
            reply(ctx, inTransaction ? NEED_RECIPIENT : NEED_MAIL);
        } else {
            inData = true;
            // The CRLF that ended the DATA line also starts the end-of-data sequence, so a lone "." ends empty content.
            endOfDataMatched = 2;
            reply(ctx, START_DATA);
        }
    }

    /** Replies to STARTTLS and returns true when the TLS handshake starts. */
    private boolean startTls(ChannelHandlerContext ctx, String argument) {
        if (tlsActive) {
            reply(ctx, TLS_ACTIVE);
            return false;
        }
        if (!argument.isEmpty()) {
            reply(ctx, NO_PARAMETERS);
            return false;
        }
        reply(ctx, READY_FOR_TLS);
        // With startTls = true the SslHandler passes its first write, the batch that ends with the
        // 220 reply, in plaintext. It is at the head of the pipeline before this read returns, so
        // every octet read later goes through TLS.
        ctx.pipeline().addFirst("tls", new SslHandler(tlsContext.newEngine(ctx.alloc()), true));
        flushReplies(ctx);
        return true;
    }

    private void resetTransaction() {
        inTransaction = false;
        hasRecipient = false;
    }

    private void reply(ChannelHandlerContext ctx, byte[] line) {
        if (replies == null) {
            replies = ctx.alloc().buffer(256);
        }
        replies.writeBytes(line);
    }

    /** Writes the collected replies in one write and counts their messages once the write succeeds. */
    private ChannelFuture flushReplies(ChannelHandlerContext ctx) {
        if (replies == null) {
            return ctx.newSucceededFuture();
        }
        ByteBuf batch = replies;
        int messages = messagesInReplies;
        boolean overTls = tlsActive;
        replies = null;
        messagesInReplies = 0;
        ChannelFuture written = ctx.writeAndFlush(batch);
        if (messages > 0) {
            written.addListener(future -> {
                if (future.isSuccess()) {
                    sink.countMessages(messages, overTls);
                }
            });
        }
        return written;
    }

    private void closeAfterReplies(ChannelHandlerContext ctx) {
        closing = true;
        flushReplies(ctx).addListener(ChannelFutureListener.CLOSE);
    }

    private static String ehloReply(boolean offerStartTls) {
        // SIZE without a number announces no fixed limit (RFC 1870). CHUNKING is not
        // offered, so every client sends DATA and both servers under test pay the same cost.
        return "250-" + HOSTNAME + "\r\n"
                + "250-PIPELINING\r\n"
                + "250-8BITMIME\r\n"
                + "250-SIZE\r\n"
                + (offerStartTls ? "250-STARTTLS\r\n" : "")
                + "250 ENHANCEDSTATUSCODES";
    }

    private static byte[] ascii(String reply) {
        return (reply + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}

package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes CRLF-terminated reply lines into {@link SmtpReply} objects, joining multi-line replies.
 *
 * <p>Netty's {@code SmtpResponseDecoder} (4.2.18) accepts codes that are not three digits, so this
 * decoder checks each line itself: three digits with the first from 2 to 5 and the second from 0
 * to 5 (RFC 5321 section 4.2), then a space, a hyphen (more lines follow) or the end of the line.
 * Every line of a multi-line reply must carry the same code. Bare CR or LF inside a line, and
 * lines longer than {@link #MAX_LINE_LENGTH}, are rejected too. A bad line raises
 * {@link MalformedReplyException} with the line quoted, escaped and cut to a safe length.
 */
final class SmtpReplyDecoder extends ByteToMessageDecoder {
    /** Maximum reply line length including CRLF, four times the 512 octets of RFC 5321 section 4.5.3.1.5. */
    static final int MAX_LINE_LENGTH = 2048;

    private int pendingCode = -1;
    private final List<String> pendingLines = new ArrayList<>();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int end = findCrlf(in);
            if (end < 0) {
                if (in.readableBytes() > MAX_LINE_LENGTH) {
                    String start = in.toString(in.readerIndex(), SafeText.MAX_LENGTH, StandardCharsets.ISO_8859_1);
                    in.skipBytes(in.readableBytes());
                    throw new MalformedReplyException(
                            "invalid reply: line longer than " + MAX_LINE_LENGTH + " octets, starting '" + SafeText.escape(start) + "'");
                }
                return;
            }
            String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
            in.readerIndex(end + 2);
            SmtpReply reply = acceptLine(line);
            if (reply != null) {
                // One reply per call: ByteToMessageDecoder passes it on before decoding further,
                // so the handler can call discardBuffered() after a 220 reply to STARTTLS.
                out.add(reply);
                return;
            }
        }
    }

    /**
     * Drops every buffered octet and any partial multi-line reply, and returns how many octets
     * were dropped. Called after the 220 reply to STARTTLS, because anything that arrived before
     * the TLS handshake could have been injected by an attacker (RFC 3207 section 4.2).
     */
    int discardBuffered() {
        int dropped = 0;
        ByteBuf buffered = internalBuffer();
        if (buffered.isReadable()) {
            dropped = buffered.readableBytes();
            buffered.skipBytes(dropped);
        }
        pendingCode = -1;
        pendingLines.clear();
        return dropped;
    }

    /** Adds one line without its CRLF; returns the finished reply, or null while more lines follow. */
    SmtpReply acceptLine(String line) {
        if (line.length() < 3 || !isReplyCode(line)) {
            throw malformed("expected a 3-digit reply code", line);
        }
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw malformed("bare CR or LF inside a reply line", line);
        }
        int code = Integer.parseInt(line.substring(0, 3));
        boolean last;
        if (line.length() == 3 || line.charAt(3) == ' ') {
            last = true;
        } else if (line.charAt(3) == '-') {
            last = false;
        } else {
            throw malformed("expected ' ' or '-' after the reply code", line);
        }
        if (pendingCode >= 0 && pendingCode != code) {
            throw malformed("expected code " + pendingCode + " to continue a multi-line reply", line);
        }
        pendingCode = code;
        pendingLines.add(line.length() > 4 ? line.substring(4) : "");
        if (!last) {
            return null;
        }
        SmtpReply reply = new SmtpReply(code, pendingLines);
        pendingCode = -1;
        pendingLines.clear();
        return reply;
    }

    private static boolean isReplyCode(String line) {
        char first = line.charAt(0);
        char second = line.charAt(1);
        char third = line.charAt(2);
        return first >= '2' && first <= '5' && second >= '0' && second <= '5' && third >= '0' && third <= '9';
    }

    private static int findCrlf(ByteBuf in) {
        int limit = in.writerIndex() - 1;
        for (int i = in.readerIndex(); i < limit; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private MalformedReplyException malformed(String expected, String line) {
        pendingCode = -1;
        pendingLines.clear();
        return new MalformedReplyException("invalid reply: " + expected + "; got '" + SafeText.escape(line) + "'");
    }
}

package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import org.sealrelay.gateway.spool.MessageWriter;

/**
 * Reads the DATA phase (RFC 5321 section 4.1.1.4) byte by byte: removes dot-stuffing, finds the
 * end of data, and streams the content to a {@link MessageWriter} through a small buffer, so no
 * message is ever held whole on the heap.
 *
 * <p>Only CRLF ends a line and only CRLF "." CRLF ends the data (RFC 5321 section 2.3.8). A bare
 * CR or a bare LF is not a line end: it marks the message as invalid, and reading goes on to
 * the real end of data, so sequences such as LF "." CRLF or LF "." LF cannot end one message early
 * and smuggle a second one in its tail. An invalid, oversized or too-long-line message is read to
 * its end and then rejected as a whole.
 *
 * <p>Not thread-safe; one instance serves one DATA command on the channel's event loop.
 */
final class DataReader {
    /** Result of feeding bytes. */
    enum Progress {
        /** More data is needed. */
        NEED_MORE,
        /** The terminating CRLF "." CRLF was consumed. */
        COMPLETE
    }

    /** Reason a completed message must be rejected, or {@link #NONE} when it is acceptable. */
    enum Fault {
        NONE,
        BARE_LINE_ENDING,
        LINE_TOO_LONG,
        TOO_BIG,
        TOO_MANY_HOPS,
        WRITE_FAILED
    }

    private enum State {
        LINE_START,
        LEADING_DOT,
        LEADING_DOT_CR,
        IN_LINE,
        CR
    }

    /** RFC 5321 section 4.5.3.1.6: a text line is at most 1000 octets including CRLF. */
    static final int MAX_TEXT_LINE = 1000;

    /** Values of the captured header field kept at most; more occurrences are themselves suspicious. */
    private static final int MAX_CAPTURED = 8;

    private static final int BUFFER_SIZE = 16 * 1024;

    private final MessageWriter writer;
    private final long maxSize;
    private final boolean dotStuffed;
    private final int maxHops;
    private final String capturedField;
    private final StringBuilder headerLine = new StringBuilder(128);
    private final java.util.List<String> capturedValues = new java.util.ArrayList<>();
    private boolean capturingContinuation;
    private boolean inHeader = true;
    private int hops;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int buffered;
    private State state = State.LINE_START;
    private int lineLength;
    private long size;
    private Fault fault = Fault.NONE;
    private IOException writeFailure;

    /**
     * @param writer receives the unstuffed content; not written to after a fault
     * @param initialSize octets already written (the prepended Received header), counted
     *     against {@code maxSize}
     * @param maxSize largest accepted message in octets
     * @param dotStuffed true for DATA; false for BDAT chunks (RFC 3030), whose content is taken
     *     as it is and whose end is given by the chunk sizes
     * @param maxHops Received header fields the message may already carry (RFC 5321 section 6.3)
     * @param capturedField name of a header field whose values to keep (unfolded), or null
     */
    DataReader(MessageWriter writer, long initialSize, long maxSize, boolean dotStuffed, int maxHops,
            String capturedField) {
        this.capturedField = capturedField == null ? null : capturedField.toLowerCase(java.util.Locale.ROOT) + ":";
        this.writer = writer;
        this.size = initialSize;
        this.maxSize = maxSize;
        this.dotStuffed = dotStuffed;
        this.maxHops = maxHops;
    }

    /**
     * Consumes bytes from {@code in} up to and including the end-of-data line, leaving any
     * pipelined bytes after it unread.
     */
    Progress read(ByteBuf in) {
        while (in.isReadable()) {
            if (state == State.IN_LINE && !inHeader && copyRun(in, in.readableBytes()) > 0 && !in.isReadable()) {
                break;
            }
            byte b = in.readByte();
            if (step(b)) {
                flush();
                return Progress.COMPLETE;
            }
        }
        flush();
        return Progress.NEED_MORE;
    }

    /**
     * Consumes up to {@code count} octets of a BDAT chunk; returns how many were consumed, which
     * is less than {@code count} only when {@code in} ran out.
     */
    int readChunk(ByteBuf in, int count) {
        int available = Math.min(count, in.readableBytes());
        int consumed = 0;
        while (consumed < available) {
            if (state == State.IN_LINE && !inHeader) {
                consumed += copyRun(in, available - consumed);
                if (consumed == available) {
                    break;
                }
            }
            step(in.readByte());
            consumed++;
        }
        flush();
        return available;
    }

    /**
     * Copies the octets before the next CR or LF, at most {@code limit}, in one bulk step: in
     * the middle of a body line they are plain content, so the state machine has nothing to do
     * for them. Returns the number of octets consumed.
     */
    private int copyRun(ByteBuf in, int limit) {
        int start = in.readerIndex();
        int end = in.forEachByte(start, limit, ByteProcessor.FIND_CRLF);
        int length = (end < 0 ? start + limit : end) - start;
        if (length == 0) {
            return 0;
        }
        lineLength += length;
        if (lineLength > MAX_TEXT_LINE) {
            setFault(Fault.LINE_TOO_LONG);
        }
        size += length;
        if (size > maxSize) {
            setFault(Fault.TOO_BIG);
        }
        int index = start;
        int remaining = length;
        while (remaining > 0 && fault == Fault.NONE) {
            int piece = Math.min(remaining, buffer.length - buffered);
            in.getBytes(index, buffer, buffered, piece);
            buffered += piece;
            index += piece;
            remaining -= piece;
            if (buffered == buffer.length) {
                flush();
            }
        }
        in.skipBytes(length);
        return length;
    }

    /** Ends chunked content: a CR as the last octet of the message is bare. */
    void finishChunks() {
        if (state == State.CR) {
            setFault(Fault.BARE_LINE_ENDING);
        }
        flush();
    }

    /** Returns the values of the captured header field in order, trimmed and unfolded. */
    java.util.List<String> capturedValues() {
        return java.util.List.copyOf(capturedValues);
    }

    /** Returns the number of Received header fields counted in the message's header section. */
    int hops() {
        return hops;
    }

    /** Returns the first fault seen, or {@link Fault#NONE}. */
    Fault fault() {
        return fault;
    }

    /** Returns the write error behind {@link Fault#WRITE_FAILED}, or null. */
    IOException writeFailure() {
        return writeFailure;
    }

    /** Returns the content octets counted so far, including the initial size. */
    long size() {
        return size;
    }

    /** Processes one byte; returns true at the end of data. */
    private boolean step(byte b) {
        switch (state) {
            case LINE_START:
                if (dotStuffed && b == '.') {
                    state = State.LEADING_DOT;
                    lineLength = 1;
                    return false;
                }
                lineLength = 0;
                return inLine(b);
            case LEADING_DOT:
                if (b == '\r') {
                    state = State.LEADING_DOT_CR;
                    return false;
                }
                // A stuffed dot: the first '.' is dropped and the byte starts the line's content.
                return inLine(b);
            case LEADING_DOT_CR:
                if (b == '\n') {
                    return true;
                }
                // "." CR followed by something else: the CR was bare.
                setFault(Fault.BARE_LINE_ENDING);
                state = State.IN_LINE;
                return inLine(b);
            case IN_LINE:
                return inLine(b);
            case CR:
                if (b == '\n') {
                    countLineOctet();
                    emit((byte) '\r');
                    emit((byte) '\n');
                    endOfLine();
                    state = State.LINE_START;
                    return false;
                }
                setFault(Fault.BARE_LINE_ENDING);
                state = State.IN_LINE;
                return inLine(b);
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    private boolean inLine(byte b) {
        if (inHeader && headerLine.length() < MAX_TEXT_LINE && b != '\r') {
            headerLine.append((char) (b & 0xff));
        }
        countLineOctet();
        if (b == '\r') {
            state = State.CR;
            return false;
        }
        state = State.IN_LINE;
        if (b == '\n') {
            // A bare LF never ends a line (see the class comment).
            setFault(Fault.BARE_LINE_ENDING);
            return false;
        }
        emit(b);
        return false;
    }

    /**
     * Counts Received fields and keeps the captured field's values until the empty line that
     * ends the header section.
     */
    private void endOfLine() {
        if (!inHeader) {
            return;
        }
        String line = headerLine.toString();
        headerLine.setLength(0);
        if (line.isEmpty()) {
            inHeader = false;
            return;
        }
        boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
        if (continuation) {
            if (capturingContinuation) {
                int last = capturedValues.size() - 1;
                capturedValues.set(last, (capturedValues.get(last) + " " + line.trim()).trim());
            }
            return;
        }
        capturingContinuation = false;
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("received:")) {
            hops++;
            if (hops >= maxHops) {
                setFault(Fault.TOO_MANY_HOPS);
            }
        }
        if (capturedField != null && lower.startsWith(capturedField) && capturedValues.size() < MAX_CAPTURED) {
            capturedValues.add(line.substring(capturedField.length()).trim());
            capturingContinuation = true;
        }
    }

    private void countLineOctet() {
        lineLength++;
        if (lineLength > MAX_TEXT_LINE) {
            setFault(Fault.LINE_TOO_LONG);
        }
    }

    private void emit(byte b) {
        size++;
        if (size > maxSize) {
            setFault(Fault.TOO_BIG);
        }
        if (fault != Fault.NONE) {
            return;
        }
        buffer[buffered++] = b;
        if (buffered == buffer.length) {
            flush();
        }
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        if (fault == Fault.NONE) {
            try {
                writer.write(buffer, 0, buffered);
            } catch (IOException e) {
                writeFailure = e;
                setFault(Fault.WRITE_FAILED);
            }
        }
        buffered = 0;
    }

    private void setFault(Fault newFault) {
        // The size limit is the more useful answer when a message breaks both limits.
        boolean sizeOverLine = newFault == Fault.TOO_BIG && fault == Fault.LINE_TOO_LONG;
        if (fault == Fault.NONE || sizeOverLine) {
            fault = newFault;
            buffered = 0;
        }
    }
}

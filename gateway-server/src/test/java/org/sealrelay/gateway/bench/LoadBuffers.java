package org.sealrelay.gateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands and messages of a load run, encoded once into direct buffers that every session
 * shares. Each send writes a duplicate of an unreleasable buffer: the octets are neither copied
 * nor reference-counted per send, and the epoll transport and the OpenSSL engine read direct
 * memory without copying it to the heap or back.
 */
final class LoadBuffers {
    private final List<ByteBuf> owned = new ArrayList<>();
    private final ByteBuf ehlo;
    private final ByteBuf startTls;
    private final ByteBuf mailFrom;
    private final ByteBuf rcptTo;
    private final ByteBuf data;
    private final ByteBuf quit;
    private final ByteBuf[] messages;

    /**
     * Encodes the commands for one envelope and the messages.
     *
     * @param terminatedMessages messages with CRLF line ends, dot-stuffed, each ending in ".CRLF"
     */
    LoadBuffers(String heloName, String from, String to, List<byte[]> terminatedMessages) {
        ehlo = command("EHLO " + heloName);
        startTls = command("STARTTLS");
        mailFrom = command("MAIL FROM:<" + from + ">");
        rcptTo = command("RCPT TO:<" + to + ">");
        data = command("DATA");
        quit = command("QUIT");
        messages = new ByteBuf[terminatedMessages.size()];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = shared(terminatedMessages.get(i));
        }
    }

    ByteBuf ehlo() {
        return ehlo.duplicate();
    }

    ByteBuf startTls() {
        return startTls.duplicate();
    }

    ByteBuf mailFrom() {
        return mailFrom.duplicate();
    }

    ByteBuf rcptTo() {
        return rcptTo.duplicate();
    }

    ByteBuf data() {
        return data.duplicate();
    }

    ByteBuf quit() {
        return quit.duplicate();
    }

    /** Returns message {@code index}, cycling through the distinct messages. */
    ByteBuf message(int index) {
        return messages[index % messages.length].duplicate();
    }

    /** Frees the direct memory; call only when no channel can still be writing a duplicate. */
    void release() {
        for (ByteBuf buffer : owned) {
            buffer.release();
        }
        owned.clear();
    }

    private ByteBuf command(String line) {
        return shared((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private ByteBuf shared(byte[] octets) {
        ByteBuf direct = Unpooled.directBuffer(octets.length, octets.length).writeBytes(octets);
        owned.add(direct);
        return Unpooled.unreleasableBuffer(direct);
    }
}

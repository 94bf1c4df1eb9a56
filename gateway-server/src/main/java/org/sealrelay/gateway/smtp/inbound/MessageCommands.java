package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.List;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.smtp.inbound.SmtpServerHandler.Mode;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.submission.DraftMessage;
import org.sealrelay.gateway.submission.SubmissionResult;
import org.sealrelay.policy.ClientIdentity;
import org.slf4j.Logger;

/**
 * The message content of one session: the DATA and BDAT (RFC 3030) commands, the octets that
 * follow them, the end-of-message checks and the hand-over to the submission service.
 *
 * <p>Runs on the session's event loop only. While a message is being decided and committed the
 * session reads no input, and the submission's result comes back to the event loop before any
 * reply is written.
 */
final class MessageCommands {
    private static final Logger log = SmtpServerHandler.log;

    /** RFC 3030 does not bound a chunk; this bounds what one BDAT may announce. */
    static final long MAX_CHUNK = Integer.MAX_VALUE;

    private final SmtpServerHandler session;
    private final InboundContext context;
    private final SessionState state;
    private long chunkRemaining;
    private boolean chunkLast;
    private boolean chunkDiscard;
    private long chunkSize;
    private SmtpReply pendingChunkReply;

    MessageCommands(SmtpServerHandler session, InboundContext context, SessionState state) {
        this.session = session;
        this.context = context;
        this.state = state;
    }

    /** Reads DATA content and returns false while the end-of-data line has not arrived yet. */
    boolean readData(ChannelHandlerContext ctx, ByteBuf in) {
        if (state.reader.read(in) == DataReader.Progress.NEED_MORE) {
            return false;
        }
        endOfMessage(ctx);
        return true;
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
        log.warn("session={} peer={} message rejected: {} {} is not an allowed tenant", session.sessionId, session.peer(),
                tenant.header(), values.isEmpty() ? "missing" : Redact.text(String.join(",", values)));
        return Replies.TENANT_NOT_ALLOWED;
    }

    void data(ChannelHandlerContext ctx, String argument) {
        if (!argument.isEmpty()) {
            session.replyError(ctx, Replies.SYNTAX_NO_ARGUMENT);
            return;
        }
        if (!checkTransactionReady(ctx)) {
            return;
        }
        if (state.writer != null) {
            // RFC 3030 section 2: DATA may not follow BDAT in the same transaction.
            session.replyError(ctx, Replies.DATA_AFTER_BDAT);
            return;
        }
        if (!openMessage(ctx, true)) {
            return;
        }
        session.mode(Mode.DATA);
        session.reply(ctx, Replies.START_DATA);
    }

    private boolean checkTransactionReady(ChannelHandlerContext ctx) {
        if (!state.inTransaction()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_MAIL_FIRST);
            return false;
        }
        if (state.recipients.isEmpty()) {
            session.replyError(ctx, Replies.BAD_SEQUENCE_RCPT_FIRST);
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
            byte[] header = ReceivedHeader.build(state.heloName, session.clientAddress(), context.hostname(), state.extended,
                    state.tlsProtocol, state.tlsCipher, state.authenticatedUser != null, state.options.smtpUtf8(),
                    writer.id().value(),
                    state.recipients, ZonedDateTime.now(context.clock()));
            writer.write(header, 0, header.length);
            if (context.listener().processedHeader() != null) {
                byte[] processed = (context.listener().processedHeader() + "\r\n").getBytes(StandardCharsets.US_ASCII);
                writer.write(processed, 0, processed.length);
            }
        } catch (IOException e) {
            log.error("session={} peer={} cannot start a spool file, replying 451: {}", session.sessionId, session.peer(),
                    e.toString());
            state.resetTransaction();
            session.replyError(ctx, Replies.storageFailure(e));
            return false;
        }
        ListenerConfig.TenantBinding tenant = context.listener().tenant();
        state.reader = new DataReader(writer, writer.size(), context.listener().maxMessageSize(), dotStuffed,
                context.listener().maxHops(), tenant == null ? null : tenant.header());
        return true;
    }

    /**
     * BDAT (RFC 3030). The announced octets are always read, even when the command is rejected,
     * so that chunk content is never taken for commands.
     */
    void bdat(ChannelHandlerContext ctx, String argument) {
        // RFC 3030 section 2: "BDAT" SP chunk-size [ SP end-marker ]; spaces between may repeat.
        String trimmed = argument.trim();
        int space = trimmed.indexOf(' ');
        String sizeText = space < 0 ? trimmed : trimmed.substring(0, space);
        String marker = space < 0 ? "" : trimmed.substring(space).trim();
        boolean last = marker.equalsIgnoreCase("LAST");
        long size = -1;
        if ((marker.isEmpty() || last) && isChunkSize(sizeText)) {
            size = Long.parseLong(sizeText);
        }

        if (size < 0 || size > MAX_CHUNK) {
            // The chunk's length is unknown, so the rest of the input cannot be framed safely.
            log.info("session={} peer={} invalid BDAT size; closing", session.sessionId, session.peer());
            state.resetTransaction();
            session.closeWith(ctx, SmtpReply.of(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection"));
            return;
        }
        chunkRemaining = size;
        chunkSize = size;
        chunkLast = last;
        chunkDiscard = false;
        SmtpReply refusal = null;
        if (!state.hasGreeting()) {
            refusal = Replies.BAD_SEQUENCE_HELO_FIRST;
        } else if (!state.extended) {
            // RFC 3030 section 2: BDAT is for clients that saw CHUNKING, which only EHLO offers.
            refusal = Replies.BAD_SEQUENCE_EHLO_FOR_BDAT;
        } else if (!state.inTransaction()) {
            refusal = Replies.BAD_SEQUENCE_MAIL_FIRST;
        } else if (state.recipients.isEmpty()) {
            refusal = Replies.BAD_SEQUENCE_RCPT_FIRST;
        }
        if (refusal != null) {
            chunkDiscard = true;
            pendingChunkReply = refusal;
        } else if (state.writer == null && !openMessage(ctx, false)) {
            if (session.mode() == Mode.CLOSED) {
                // That 451 reached the error limit, and the session is closing.
                return;
            }
            // openMessage has replied 451; the chunk is still read and dropped.
            chunkDiscard = true;
            pendingChunkReply = null;
        }
        session.mode(Mode.CHUNK);
        if (chunkRemaining == 0) {
            // An empty chunk (often BDAT 0 LAST) is complete now; no further input will arrive for it.
            readChunk(ctx, Unpooled.EMPTY_BUFFER);
        }
    }

    /** Returns whether {@code text} is 1 to 18 ASCII digits, so that it fits a long. */
    private static boolean isChunkSize(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Reads chunk octets; returns false when more input is needed. */
    boolean readChunk(ChannelHandlerContext ctx, ByteBuf in) {
        if (chunkDiscard) {
            int skip = (int) Math.min(chunkRemaining, in.readableBytes());
            in.skipBytes(skip);
            chunkRemaining -= skip;
        } else {
            chunkRemaining -= state.reader.readChunk(in, (int) Math.min(chunkRemaining, Integer.MAX_VALUE));
        }
        if (chunkRemaining > 0) {
            return false;
        }
        session.mode(Mode.COMMAND);
        if (chunkDiscard) {
            if (pendingChunkReply != null) {
                session.replyError(ctx, pendingChunkReply);
            }
            return true;
        }
        if (chunkLast) {
            state.reader.finishChunks();
            endOfMessage(ctx);
            return true;
        }
        if (state.reader.fault() != DataReader.Fault.NONE) {
            // Reject now, so the client does not send the remaining chunks for nothing.
            rejectMessage(ctx, state.reader);
            return true;
        }
        session.reply(ctx, SmtpReply.of(250, "2.0.0", chunkSize + " octets received"));
        return true;
    }

    private void endOfMessage(ChannelHandlerContext ctx) {
        DataReader reader = state.reader;
        session.mode(Mode.COMMAND);
        if (reader.fault() != DataReader.Fault.NONE) {
            rejectMessage(ctx, reader);
            return;
        }
        SmtpReply tenantRejection = checkTenant(reader);
        if (tenantRejection != null) {
            state.resetTransaction();
            session.replyError(ctx, tenantRejection);
            return;
        }
        MessageWriter writer = state.writer;
        state.writer = null;
        DraftMessage draft = new DraftMessage(state.reversePath, state.recipients, state.eightBitMime,
                session.clientAddress(), state.heloName, context.listener().name(), state.tlsProtocol, state.options,
                state.dsnRequests, new ClientIdentity(state.authenticatedUser == null ? "" : state.authenticatedUser,
                        state.clientCertificate.certificateSubject(), state.clientCertificate.certificateNames()));
        state.resetTransaction();
        session.mode(Mode.WAITING);
        ctx.channel().config().setAutoRead(false);
        context.submission().submit(draft, writer).whenComplete((result, failure) ->
                ctx.executor().execute(() -> afterSubmission(ctx, result, failure)));
    }

    private void rejectMessage(ChannelHandlerContext ctx, DataReader reader) {
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
            log.error("session={} peer={} queueId={} spool write failed: {}", session.sessionId, session.peer(),
                    state.writer.id(), reader.writeFailure().toString());
        } else {
            log.info("session={} peer={} queueId={} message rejected: {}", session.sessionId, session.peer(),
                    state.writer.id(), rejection);
        }
        state.resetTransaction();
        session.replyError(ctx, rejection);
    }

    private void afterSubmission(ChannelHandlerContext ctx, SubmissionResult result, Throwable failure) {
        if (session.mode() == Mode.CLOSED) {
            return;
        }
        session.mode(Mode.COMMAND);
        if (failure != null) {
            log.error("session={} peer={} submission failed unexpectedly", session.sessionId, session.peer(), failure);
            session.replyError(ctx, Replies.SPOOL_FAILED);
        } else if (result instanceof SubmissionResult.Queued queued) {
            session.reply(ctx, SmtpReply.of(250, "2.0.0", "Ok: queued as " + queued.id()));
        } else if (result instanceof SubmissionResult.Rejected rejected) {
            session.replyError(ctx, parseReply(rejected.reply()));
        } else {
            // Every submission needs a reply, or the client waits until its own timeout.
            log.error("session={} peer={} submission returned no result", session.sessionId, session.peer());
            session.replyError(ctx, Replies.SPOOL_FAILED);
        }
        session.resume(ctx);
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

package org.sealrelay.gateway.delivery;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the content of the current transaction of one {@link SmtpClientSession}: after the 354
 * reply to DATA as dot-stuffed lines with the final dot (RFC 5321 section 4.5.2), or as BDAT
 * chunks (RFC 3030). Both stream the content through the pipeline's {@link ChunkedWriteHandler}
 * on the channel's event loop, and both wait for the final reply with the data timeout.
 */
final class ContentSender {
    // The session's logger, so that the log lines keep their logger name.
    private static final Logger log = LoggerFactory.getLogger(SmtpClientSession.class);

    private final SmtpClientSession session;
    private final NextHop nextHop;
    private final Duration dataTimeout;

    ContentSender(SmtpClientSession session, NextHop nextHop, Duration dataTimeout) {
        this.session = session;
        this.nextHop = nextHop;
        this.dataTimeout = dataTimeout;
    }

    /**
     * Returns whether the content goes as BDAT chunks: when the next hop offers CHUNKING (RFC
     * 3030), except for encrypted copies. BDAT reads whole chunks, which would make the event loop
     * wait for the encryption thread, while DATA reads whatever the copy's pipe holds.
     */
    boolean usesBdat() {
        return session.extensions().has("CHUNKING")
                && !(session.transaction().request.content() instanceof EncryptedContentSource);
    }

    /** Sends the content after the 354 reply to DATA, then waits for the reply to the final dot. */
    void sendDotStuffed() {
        InputStream content = openContent();
        if (content == null) {
            return;
        }
        session.enter(SmtpClientSession.Stage.END_OF_DATA);
        ChannelHandlerContext ctx = session.context();
        ChunkedWriteHandler chunked = ctx.pipeline().get(ChunkedWriteHandler.class);
        // Always a new task: the content may signal while readChunk runs, and resuming there
        // would re-enter the transfer.
        Runnable resume = () -> ctx.executor().execute(chunked::resumeTransfer);
        ClientTransaction tx = session.transaction();
        tx.writingContent = true;
        // RFC 5321 section 4.5.3.2.5: each block of data must be sent within a time limit, so a
        // next hop that stops reading, or a content source that stops producing, cannot hold the
        // session forever. The timer restarts whenever a chunk has been written.
        session.armTimer(dataTimeout);
        ChannelProgressivePromise written = ctx.newProgressivePromise();
        written.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                if (session.stage() == SmtpClientSession.Stage.END_OF_DATA) {
                    session.armTimer(dataTimeout);
                }
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture done) {
                tx.writingContent = false;
                if (session.stage() != SmtpClientSession.Stage.END_OF_DATA) {
                    return;
                }
                if (done.isSuccess()) {
                    // RFC 5321 section 4.5.3.2.6: the data timeout starts after the final dot.
                    session.armTimer(dataTimeout);
                } else {
                    closeAfterWriteFailure(done.cause());
                }
            }
        });
        ctx.writeAndFlush(new DotStuffedContent(content, resume), written);
    }

    private void closeAfterWriteFailure(Throwable cause) {
        String reason = "4.4.2 failed to send the message to " + nextHop + ": " + SmtpClientSession.describe(cause);
        log.warn("queueId={} nextHop={} {}", session.transaction().request.queueId(), nextHop, Redact.text(reason));
        session.closeWith(Result.DEFERRED, reason);
    }

    /** Opens the message content, or closes the session and returns null when it cannot be read. */
    private InputStream openContent() {
        ClientTransaction tx = session.transaction();
        try {
            return tx.request.content().open();
        } catch (IOException e) {
            String reason = "4.3.0 failed to open the message content: " + SmtpClientSession.describe(e);
            log.error("queueId={} nextHop={} {}", tx.request.queueId(), nextHop, Redact.text(reason), e);
            session.closeWith(Result.DEFERRED, reason);
            return null;
        }
    }

    /**
     * Sends the content as BDAT chunks. Without PIPELINING each chunk waits for the reply to the
     * one before, because only PIPELINING lets a client send before the previous reply arrives.
     * Each reply gets the data timeout, because the server may reply to a chunk only once it has
     * stored it.
     */
    void startBdat() {
        InputStream content = openContent();
        if (content == null) {
            return;
        }
        BdatContent bdat = new BdatContent(content, session.extensions().has("PIPELINING") ? Integer.MAX_VALUE : 1);
        session.transaction().bdat = bdat;
        session.enter(SmtpClientSession.Stage.BDAT);
        session.armTimer(dataTimeout);
        session.context().writeAndFlush(bdat).addListener((ChannelFuture done) -> {
            if (!done.isSuccess() && session.stage() == SmtpClientSession.Stage.BDAT) {
                closeAfterWriteFailure(done.cause());
            }
        });
    }

    /**
     * Handles the reply to one BDAT chunk. The reply to the LAST chunk decides the message, as
     * the reply after the final dot does for DATA. A rejected chunk ends the content, and its
     * reply decides the accepted recipients.
     */
    void onBdat(SmtpReply reply) {
        BdatContent bdat = session.transaction().bdat;
        bdat.acknowledge();
        if (reply.code() == 421) {
            bdat.stop();
            session.onServiceClosing(reply);
            return;
        }
        if (!reply.isPositiveCompletion()) {
            bdat.stop();
            session.quitWith(SmtpClientSession.classify(reply), reply.text());
            return;
        }
        if (bdat.lastChunkWritten() && bdat.chunksAcknowledged() == bdat.chunksWritten()) {
            session.onEndOfData(reply);
            return;
        }
        session.armTimer(dataTimeout);
        session.context().pipeline().get(ChunkedWriteHandler.class).resumeTransfer();
    }
}

package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The command verbs the listener recognizes, each bound to the code that runs it. The enum is
 * the dispatch table: finding the verb of an ASCII command line allocates nothing, and each
 * constant has one stateless handler, created once with the enum, so a command costs no
 * allocation or map lookup.
 */
enum SmtpVerb {
    EHLO((session, ctx, in, argument) -> session.connection.helo(ctx, argument, true)),
    HELO((session, ctx, in, argument) -> session.connection.helo(ctx, argument, false)),
    MAIL((session, ctx, in, argument) -> session.envelope.mail(ctx, argument)),
    RCPT((session, ctx, in, argument) -> session.envelope.rcpt(ctx, argument)),
    DATA((session, ctx, in, argument) -> session.messages.data(ctx, argument)),
    BDAT((session, ctx, in, argument) -> session.messages.bdat(ctx, argument)),
    RSET((session, ctx, in, argument) -> session.envelope.rset(ctx, argument)),
    NOOP((session, ctx, in, argument) -> session.reply(ctx, Replies.NOOP_OK)),
    QUIT((session, ctx, in, argument) -> session.quit(ctx)),
    STARTTLS((session, ctx, in, argument) -> session.connection.startTls(ctx, in, argument)),
    AUTH((session, ctx, in, argument) -> session.connection.auth(ctx, argument)),
    VRFY((session, ctx, in, argument) -> session.reply(ctx, Replies.VRFY)),
    HELP((session, ctx, in, argument) -> session.connection.help(ctx)),
    EXPN((session, ctx, in, argument) -> session.replyError(ctx, Replies.NOT_IMPLEMENTED)),
    TURN((session, ctx, in, argument) -> session.replyError(ctx, Replies.NOT_IMPLEMENTED)),
    ETRN((session, ctx, in, argument) -> session.replyError(ctx, Replies.NOT_IMPLEMENTED));

    /** The code of one verb. */
    @FunctionalInterface
    private interface Command {
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument);
    }

    private final Command command;

    SmtpVerb(Command command) {
        this.command = command;
    }

    private static final SmtpVerb[] VERBS = values();

    /**
     * Runs the command. {@code in} is the session's unread input, which STARTTLS discards, and
     * {@code argument} is the text after the first space, or empty.
     */
    void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
        command.run(session, ctx, in, argument);
    }

    /**
     * Finds the verb in {@code line} before index {@code end}, ignoring ASCII case. Returns null for
     * an unknown verb. A verb with a non-ASCII character is unknown: RFC 5321 section 2.4 makes
     * verbs case-insensitive ASCII words, and Unicode case mapping would turn "QU\u0131T" (dotless
     * i) or "\ufb06ARTTLS" (a ligature) into a command.
     */
    static SmtpVerb find(String line, int end) {
        for (int i = 0; i < end; i++) {
            if (line.charAt(i) >= 0x80) {
                return null;
            }
        }
        for (SmtpVerb verb : VERBS) {
            String name = verb.name();
            if (name.length() == end && line.regionMatches(true, 0, name, 0, end)) {
                return verb;
            }
        }
        return null;
    }
}

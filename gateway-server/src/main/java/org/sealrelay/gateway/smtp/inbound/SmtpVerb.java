package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The command verbs the listener recognizes, each bound to the code that runs it. The enum is
 * the dispatch table: finding the verb of an ASCII command line allocates nothing, and each
 * constant calls its command group directly, so a command costs no lambda or map lookup.
 */
enum SmtpVerb {
    EHLO {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.connection.helo(ctx, argument, true);
        }
    },
    HELO {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.connection.helo(ctx, argument, false);
        }
    },
    MAIL {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.envelope.mail(ctx, argument);
        }
    },
    RCPT {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.envelope.rcpt(ctx, argument);
        }
    },
    DATA {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.messages.data(ctx, argument);
        }
    },
    BDAT {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.messages.bdat(ctx, argument);
        }
    },
    RSET {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.envelope.rset(ctx, argument);
        }
    },
    NOOP {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.reply(ctx, Replies.NOOP_OK);
        }
    },
    QUIT {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.quit(ctx);
        }
    },
    STARTTLS {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.connection.startTls(ctx, in, argument);
        }
    },
    AUTH {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.connection.auth(ctx, argument);
        }
    },
    VRFY {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.reply(ctx, Replies.VRFY);
        }
    },
    HELP {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.reply(ctx, Replies.HELP);
        }
    },
    EXPN {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.replyError(ctx, Replies.NOT_IMPLEMENTED);
        }
    },
    TURN {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.replyError(ctx, Replies.NOT_IMPLEMENTED);
        }
    },
    ETRN {
        @Override
        void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument) {
            session.replyError(ctx, Replies.NOT_IMPLEMENTED);
        }
    };

    private static final SmtpVerb[] VERBS = values();

    /**
     * Runs the command. {@code in} is the session's unread input, which STARTTLS discards, and
     * {@code argument} is the text after the first space, or empty.
     */
    abstract void run(SmtpServerHandler session, ChannelHandlerContext ctx, ByteBuf in, String argument);

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

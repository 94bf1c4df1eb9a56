package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.Locale;

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
     * Finds the verb in {@code line} before index {@code end}, ignoring case. Returns null for an
     * unknown verb.
     */
    static SmtpVerb find(String line, int end) {
        for (int i = 0; i < end; i++) {
            if (line.charAt(i) >= 0x80) {
                return findUpperCase(line.substring(0, end).toUpperCase(Locale.ROOT));
            }
        }
        for (SmtpVerb verb : VERBS) {
            String name = verb.name();
            // For ASCII text this is the same comparison as toUpperCase(Locale.ROOT).equals(name).
            if (name.length() == end && line.regionMatches(true, 0, name, 0, end)) {
                return verb;
            }
        }
        return null;
    }

    /*
     * NOTE: RFC 5321 section 2.4 makes verbs case-insensitive ASCII words, but String.toUpperCase
     * also maps some non-ASCII letters onto ASCII ones (U+0131 dotless i to I, U+FB06 to ST),
     * so a line such as "QU\u0131T" still runs QUIT.
     */
    private static SmtpVerb findUpperCase(String verbText) {
        for (SmtpVerb verb : VERBS) {
            if (verb.name().equals(verbText)) {
                return verb;
            }
        }
        return null;
    }
}

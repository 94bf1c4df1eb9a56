package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyDecoderTest {
    @Test
    void decodesMultiLineReplySplitAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());

        channel.writeInbound(Unpooled.copiedBuffer("250-mx.example.net hello\r\n250-PIPE", StandardCharsets.US_ASCII));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(Unpooled.copiedBuffer("LINING\r\n250 STARTTLS\r\n", StandardCharsets.US_ASCII));

        SmtpReply reply = channel.readInbound();
        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.lines()).containsExactly("mx.example.net hello", "PIPELINING", "STARTTLS");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void discardBufferedDropsBytesAfterReply() {
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        List<SmtpReply> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                seen.add((SmtpReply) message);
                if (((SmtpReply) message).code() == 220) {
                    assertThat(decoder.discardBuffered()).isEqualTo("250 injected\r\n".length());
                }
            }
        });

        channel.writeInbound(Unpooled.copiedBuffer("220 ready\r\n250 injected\r\n", StandardCharsets.US_ASCII));

        assertThat(seen).extracting(SmtpReply::code).containsExactly(220);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void acceptsCodeWithoutText() {
        SmtpReply reply = new SmtpReplyDecoder().acceptLine("354");

        assertThat(reply.code()).isEqualTo(354);
        assertThat(reply.text()).isEqualTo("354");
    }

    @Test
    void rejectsMalformedCodes() {
        for (String line : List.of("2x0 hi", "25", "190 low", "620 high", "2500 four digits", "250hello", " 250 x")) {
            assertThatThrownBy(() -> new SmtpReplyDecoder().acceptLine(line))
                    .as(line)
                    .isInstanceOf(MalformedReplyException.class)
                    .hasMessageStartingWith("invalid reply");
        }
    }

    @Test
    void rejectsChangedCodeInMultiLineReply() {
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        assertThat(decoder.acceptLine("250-first")).isNull();

        assertThatThrownBy(() -> decoder.acceptLine("220 second"))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessage("invalid reply: expected code 250 to continue a multi-line reply; got '220 second'");
    }

    @Test
    void rejectsBareLfInsideLine() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());

        assertThatThrownBy(() -> channel.writeInbound(
                        Unpooled.copiedBuffer("250 ok\nMAIL FROM:<x>\r\n", StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("bare CR or LF");
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectsOverlongLine() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        String longLine = "250 " + "x".repeat(SmtpReplyDecoder.MAX_LINE_LENGTH);

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(longLine, StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("line longer than");
        channel.finishAndReleaseAll();
    }

    @Test
    void escapesControlCharactersInMessages() {
        assertThatThrownBy(() -> new SmtpReplyDecoder().acceptLine("2x0 a\u0007b"))
                .hasMessage("invalid reply: expected a 3-digit reply code; got '2x0 a\\x07b'");
    }
}

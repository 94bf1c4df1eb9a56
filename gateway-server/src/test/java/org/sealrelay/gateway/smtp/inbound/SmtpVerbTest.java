package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpVerbTest {
    private static SmtpVerb find(String line) {
        int space = line.indexOf(' ');
        return SmtpVerb.find(line, space < 0 ? line.length() : space);
    }

    @ParameterizedTest
    @CsvSource({
        "EHLO client.example, EHLO",
        "ehlo client.example, EHLO",
        "HeLo client.example, HELO",
        "mail FROM:<a@example.org>, MAIL",
        "RCPT TO:<b@example.org>, RCPT",
        "data, DATA",
        "BDAT 10 LAST, BDAT",
        "rset, RSET",
        "NOOP, NOOP",
        "quit, QUIT",
        "StartTLS, STARTTLS",
        "AUTH PLAIN, AUTH",
        "vrfy postmaster, VRFY",
        "help, HELP",
        "EXPN list, EXPN",
        "turn, TURN",
        "ETRN example.org, ETRN",
    })
    void findsVerbInAnyCase(String line, SmtpVerb expected) {
        assertThat(find(line)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", " MAIL", "MAI", "MAILX", "MAIL:FROM", "STARTTLSX", "XEHLO", "E HLO", "\tNOOP"})
    void returnsNullForUnknownVerb(String line) {
        assertThat(find(line)).isNull();
    }

    @Test
    void matchesEveryVerbByItsName() {
        for (SmtpVerb verb : SmtpVerb.values()) {
            assertThat(find(verb.name())).isEqualTo(verb);
            assertThat(find(verb.name().toLowerCase(Locale.ROOT) + " argument")).isEqualTo(verb);
        }
    }

    /** Non-ASCII letters that Unicode case mapping would turn into ASCII ones run no command. */
    @ParameterizedTest
    @ValueSource(strings = {"QU\u0131T", "qu\u0131t", "\ufb06ARTTLS", "R\u017fET"})
    void rejectsNonAsciiLookAlikes(String line) {
        assertThat(find(line)).isNull();
    }

    @Test
    void returnsNullForOtherNonAsciiVerb() {
        assertThat(find("M\u00c4IL FROM:<a@example.org>")).isNull();
    }
}

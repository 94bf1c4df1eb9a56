package org.sealrelay.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactTest {
    @Test
    void addressKeepsOnlyDomain() {
        assertThat(Redact.address("jane.doe@clinic.example")).isEqualTo("***@clinic.example");
        assertThat(Redact.address("")).isEqualTo("<>");
        assertThat(Redact.address("postmaster")).isEqualTo("***");
    }

    @Test
    void textRedactsEchoedAddresses() {
        assertThat(Redact.text("550 5.1.1 <jane.doe@lab.example>: Recipient address rejected"))
                .isEqualTo("550 5.1.1 <***@lab.example>: Recipient address rejected");
        assertThat(Redact.text("user \"x\" a.b+tag@[192.0.2.1] unknown"))
                .isEqualTo("user \"x\" ***@[192.0.2.1] unknown");
    }

    @Test
    void textEscapesLineBreaksAndCuts() {
        assertThat(Redact.text("a\r\nb\u0001")).isEqualTo("a\\r\\nb?");
        assertThat(Redact.text("x".repeat(400))).hasSize(303).endsWith("...");
    }

    @Test
    void remoteReplyKeepsOnlyItsCodes() {
        assertThat(Redact.reply("550 5.1.1 <j@lab.example>: mailbox unknown for patient John Smith"))
                .isEqualTo("550 5.1.1 (reply text withheld)");
        assertThat(Redact.reply("451 try again later")).isEqualTo("451 (reply text withheld)");
        assertThat(Redact.reply("4.7.5 STARTTLS not offered by mx.lab.example[192.0.2.1]:25"))
                .isEqualTo("4.7.5 STARTTLS not offered by mx.lab.example[192.0.2.1]:25");
    }
}

package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.Messages;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** Relays real messages through the gateway to a SubEthaSMTP next hop that requires nothing special. */
class EndToEndRelayTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().build();

    @Test
    void rawClientMessageArrivesByteForByte() throws Exception {
        String message = "From: Clinic <front-desk@clinic.example>\r\n"
                + "To: Lab <results@lab.example>\r\n"
                + "Subject: Results for patient\r\n"
                + "Message-ID: <raw-1@clinic.example>\r\n"
                + "\r\n"
                + "Line one\r\n"
                + ".Line starting with a dot\r\n"
                + "..two dots\r\n"
                + "\r\n"
                + "last line\r\n";
        String stuffed = message.replace("\r\n.", "\r\n..");
        String queueReply;
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("STARTTLS")).startsWith("220 ");
            client.startTls();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<front-desk@clinic.example>")).startsWith("250 ");
            assertThat(client.command("RCPT TO:<results@lab.example>")).startsWith("250 ");
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw(stuffed + ".\r\n");
            queueReply = client.readReply();
            client.command("QUIT");
        }
        assertThat(queueReply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{20}\r\n");
        String queueId = queueReply.substring("250 2.0.0 Ok: queued as ".length()).trim();

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        NextHopServer.Received received = relay.nextHop().received().get(0);
        assertThat(received.from()).isEqualTo("front-desk@clinic.example");
        assertThat(received.to()).isEqualTo("results@lab.example");
        assertThat(received.overTls()).as("next hop session used TLS").isTrue();
        assertThat(new String(Messages.withoutFirstReceived(received.data()), StandardCharsets.ISO_8859_1))
                .isEqualTo(message);
        String trace = Messages.firstReceived(received.data());
        assertThat(trace).startsWith("Received: from client.test ([127.0.0.1]) by gateway.test (SealRelay) with ESMTPS id "
                + queueId + " (version=TLSv1.");
        assertThat(trace).contains(" cipher=TLS_");
        assertThat(trace).contains(" for <results@lab.example>;");
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.gateway().queueManager().size() == 0);
    }

    @Test
    void jakartaMailMessageArrivesUnchanged() throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", relay.address().getHostString());
        properties.put("mail.smtp.port", String.valueOf(relay.address().getPort()));
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.trust", "*");
        properties.put("mail.smtp.localhost", "app.test");
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("scheduling@clinic.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("patient@mail.example"));
        message.setRecipient(Message.RecipientType.CC, new InternetAddress("nurse@clinic.example"));
        message.setSubject("Appointment reminder", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Your appointment is on Monday.\n.\nSee you then: caf\u00e9 nearby.", "UTF-8");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setFileName("visit.txt");
        attachment.setContent("line\r\n.dot line\r\n", "text/plain");
        MimeMultipart multipart = new MimeMultipart(text, attachment);
        message.setContent(multipart);
        message.saveChanges();

        Transport.send(message);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        message.writeTo(written);
        // Transport.send writes through a stream that turns lone LF into CRLF; do the same here.
        byte[] expected = written.toString(StandardCharsets.ISO_8859_1)
                .replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 2);
        for (NextHopServer.Received received : relay.nextHop().received()) {
            assertThat(received.overTls()).isTrue();
            assertThat(Messages.withoutFirstReceived(received.data())).isEqualTo(expected);
            assertThat(Messages.firstReceived(received.data())).startsWith("Received: from app.test ([127.0.0.1])");
            assertThat(Messages.firstReceived(received.data())).doesNotContain(" for <");
        }
        assertThat(relay.nextHop().received()).extracting(NextHopServer.Received::to)
                .containsExactlyInAnyOrder("patient@mail.example", "nurse@clinic.example");
    }

    @Test
    void logsCarryNoAddressesOrContent() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            String reply = SmtpTestClient.submit(relay.address(), "jane.patient@home.example",
                    List.of("oncology.results@lab.example", "unknown-local@lab.example"),
                    "Subject: Biopsy for Jane Patient\r\n\r\nSSN 123-45-6789\r\n");
            assertThat(reply).startsWith("250 ");
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.gateway().queueManager().size() == 0);

            assertThat(logs.lines()).anyMatch(line -> line.contains("status=sent"));
            for (String secret : new String[] {"jane.patient", "oncology.results", "unknown-local", "Biopsy", "123-45-6789"}) {
                assertThat(logs.lines()).as("log lines containing %s", secret).noneMatch(line -> line.contains(secret));
            }
        }
    }

    @Test
    void plainSessionIsTracedAsEsmtp() throws Exception {
        String reply = SmtpTestClient.submit(relay.address(), "", List.of("someone@lab.example"),
                "Subject: plain\r\n\r\nbody\r\n");
        assertThat(reply).startsWith(SmtpTestClient.QUEUED);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        String trace = Messages.firstReceived(relay.nextHop().received().get(0).data());
        assertThat(trace).contains(" with ESMTP id ");
        assertThat(trace).doesNotContain("version=");
        assertThat(relay.nextHop().received().get(0).from()).isEmpty();
    }
}

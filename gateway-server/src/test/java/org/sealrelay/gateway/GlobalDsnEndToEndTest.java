package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.dsn.ParsedReport;
import org.sealrelay.gateway.testing.ExternalTool;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * A SMTPUTF8 message with one rejected recipient, relayed to an aiosmtpd next hop. With SMTPUTF8
 * at the hop, the sender gets an RFC 6533 notification sent with SMTPUTF8. Without it, the
 * message and then its notification bounce with 5.6.7, and nothing reaches the hop.
 */
class GlobalDsnEndToEndTest {
    private static final String SENDER = "jürgen@klinik.example";
    private static final String ACCEPTED = "ärztin@labor.example";
    private static final String REJECTED = "gône@labor.example";
    private static final String BODY_SECRET = "Diagnose vertraulich";

    @TempDir
    Path directory;

    private Process nextHop;
    private Gateway gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (nextHop != null) {
            nextHop.getOutputStream().close();
            if (!nextHop.waitFor(10, TimeUnit.SECONDS)) {
                nextHop.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void smtpUtf8NextHopGetsGlobalNotification() throws Exception {
        int port = startNextHop(true);
        gateway = Gateway.start(TestGateways.relayingTo(directory, port, "may", ""));

        send("<" + SENDER + "> SMTPUTF8 BODY=8BITMIME", "<" + ACCEPTED + ">",
                "<" + REJECTED + "> ORCPT=utf-8;g\\x{F4}ne@labor.example");

        await().atMost(Duration.ofSeconds(30)).until(() -> received().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        JsonNode original = received().get(0);
        assertThat(original.get("to").get(0).asText()).isEqualTo(ACCEPTED);
        assertThat(original.get("smtputf8").asBoolean()).isTrue();

        JsonNode notice = received().get(1);
        assertThat(notice.get("from").asText()).as("reverse-path of the notification, as aiosmtpd writes it")
                .isEqualTo("<>");
        assertThat(notice.get("to").get(0).asText()).isEqualTo(SENDER);
        assertThat(notice.get("smtputf8").asBoolean()).as("notification sent with SMTPUTF8").isTrue();

        ParsedReport report = ParsedReport.parse(Base64.getDecoder().decode(notice.get("data").asText()));
        assertThat(report.mimeType()).isEqualTo("multipart/report");
        assertThat(report.contentTypeParameter("report-type")).isEqualTo("global-delivery-status");
        assertThat(report.partTypes())
                .containsExactly("text/plain", "message/global-delivery-status", "message/global-headers");
        assertThat(report.rawText()).contains("\r\nTo: <" + SENDER + ">\r\n");
        assertThat(report.recipients()).hasSize(1);
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("utf-8; " + REJECTED);
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("utf-8; " + REJECTED);
        assertThat(report.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(report.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(report.recipientField(0, "Diagnostic-Code"))
                .isEqualTo("smtp; 550 5.1.1 <" + REJECTED + ">: Recipient address rejected");
        assertThat(report.returnedPart().getContentTransferEncoding()).isEqualTo("8bit");
        assertThat(report.returnedHeaders()).contains("Subject: Befund für Frau Müller\r\n");
        assertThat(report.rawText()).doesNotContain(BODY_SECRET);
    }

    @Test
    void hopWithoutSmtpUtf8BouncesMessageAndNotification() throws Exception {
        int port = startNextHop(false);
        gateway = Gateway.start(TestGateways.relayingTo(directory, port, "may", ""));
        try (LogCapture logs = new LogCapture()) {
            send("<" + SENDER + "> SMTPUTF8 BODY=8BITMIME", "<" + ACCEPTED + ">");

            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.queueManager().size() == 0);
            assertThat(logs.lines()).anyMatch(line -> line.contains("does not offer SMTPUTF8, which this message requires"));
            assertThat(logs.lines()).anyMatch(line -> line.endsWith(
                    "1 recipient(s) failed; no notification for the null reverse-path"));
        }
        assertThat(received()).isEmpty();
    }

    /** Starts the aiosmtpd next hop and returns its port. */
    private int startNextHop(boolean smtpUtf8) throws Exception {
        Path python = ExternalTool.require("python3");
        Path script = directory.resolve("utf8-next-hop.py");
        try (InputStream resource = getClass().getResourceAsStream("dsn/utf8-next-hop.py")) {
            Files.copy(resource, script);
        }
        Files.createDirectories(directory.resolve("received"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(),
                "--port", String.valueOf(port), "--outdir", directory.resolve("received").toString(),
                "--reject", REJECTED));
        if (!smtpUtf8) {
            command.add("--no-smtputf8");
        }
        nextHop = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(nextHop.getInputStream(),
                StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return output.readLine();
            } catch (IOException e) {
                return "reading the next hop's output failed: " + e;
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(first).as("first line of the aiosmtpd next hop").isEqualTo("ready");
        return port;
    }

    /** Returns the messages the next hop accepted, in order. */
    private List<JsonNode> received() throws IOException {
        List<JsonNode> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory.resolve("received"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
                messages.add(new ObjectMapper().readTree(file.toFile()));
            }
        }
        return messages;
    }

    private void send(String from, String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:" + from)).startsWith("250 ");
            for (String recipient : recipients) {
                assertThat(client.command("RCPT TO:" + recipient)).startsWith("250 ");
            }
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw("From: Jürgen <" + SENDER + ">\r\nTo: " + ACCEPTED + "\r\n"
                    + "Subject: Befund für Frau Müller\r\n\r\n" + BODY_SECRET + "\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
            client.command("QUIT");
        }
    }
}

package org.sealrelay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.ExternalTool;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.tls.ServerTls;

class CountingSinkTest {
    private static final String FROM = "sender@source.bench.example";
    private static final String TO = "bench@tls.bench.example";

    @TempDir
    Path directory;

    private final List<CountingSink> sinks = new ArrayList<>();

    @AfterEach
    void stopSinks() {
        sinks.forEach(CountingSink::stop);
    }

    @Test
    void jakartaMailPlainCountsEachTransaction() throws Exception {
        CountingSink sink = startSink(false);

        send(sink, false, "one@plain.bench.example");
        send(sink, false, "two@plain.bench.example", "three@plain.bench.example");
        send(sink, false, "four@plain.bench.example");

        assertThat(sink.messages()).as("messages, one per transaction").isEqualTo(3);
        assertThat(sink.tlsMessages()).isZero();
    }

    @Test
    void jakartaMailStartTlsCountsTlsMessages() throws Exception {
        CountingSink sink = startSink(true);

        send(sink, true, TO);
        send(sink, true, TO);

        assertThat(sink.messages()).isEqualTo(2);
        assertThat(sink.tlsMessages()).isEqualTo(2);
    }

    @Test
    void pythonSmtplibStartTlsSession() throws Exception {
        Path python = ExternalTool.require("python3");
        CountingSink sink = startSink(true);
        Path script = directory.resolve("send.py");
        Files.writeString(script, """
                import smtplib, ssl, sys
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                body = "Subject: sink test\\r\\n\\r\\n.leading dot\\r\\n" + "filler line\\r\\n" * 200
                with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="python.test", timeout=30) as smtp:
                    code, _ = smtp.ehlo()
                    print("before TLS:", code, sorted(smtp.esmtp_features))
                    smtp.starttls(context=context)
                    smtp.ehlo()
                    print("after TLS:", sorted(smtp.esmtp_features))
                    for _ in range(3):
                        print("refused:", smtp.sendmail("sender@python.test", ["bench@tls.bench.example"], body))
                """);

        ExternalTool.Result result = ExternalTool.run(List.of(python.toString(), script.toString(),
                String.valueOf(sink.port())), directory, 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains(
                "before TLS: 250 ['8bitmime', 'enhancedstatuscodes', 'pipelining', 'size', 'starttls']");
        assertThat(result.output()).contains("after TLS: ['8bitmime', 'enhancedstatuscodes', 'pipelining', 'size']");
        assertThat(result.output()).contains("refused: {}");
        assertThat(sink.messages()).isEqualTo(3);
        assertThat(sink.tlsMessages()).isEqualTo(3);
    }

    @Test
    void swaksPipelinedStartTls() throws Exception {
        Path swaks = ExternalTool.require("swaks");
        CountingSink sink = startSink(true);

        ExternalTool.Result result = ExternalTool.run(List.of(swaks.toString(),
                "--server", "127.0.0.1:" + sink.port(), "--tls", "--pipeline", "--helo", "swaks.test",
                "--from", FROM, "--to", TO, "--body", "Line one\n.leading dot\n.\nLine four"), directory, 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("250 2.0.0 Ok: queued");
        assertThat(sink.messages()).isEqualTo(1);
        assertThat(sink.tlsMessages()).isEqualTo(1);
    }

    @Test
    void requireTlsRejectsMailBeforeStartTls() throws Exception {
        CountingSink sink = startSink(true);
        try (SmtpTestClient client = new SmtpTestClient(address(sink))) {
            String ehlo = client.greet();
            assertThat(ehlo).contains("250-STARTTLS\r\n").contains("PIPELINING").doesNotContain("CHUNKING");

            assertThat(client.command("MAIL FROM:<" + FROM + ">"))
                    .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
            assertThat(client.command("RCPT TO:<" + TO + ">")).startsWith("503 5.5.1 ");
            assertThat(client.command("DATA")).startsWith("503 5.5.1 ");

            assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
            client.startTls();
            String ehloOverTls = client.command("EHLO client.test");
            assertThat(ehloOverTls).doesNotContain("STARTTLS").contains("250 ENHANCEDSTATUSCODES");
            assertThat(client.command("STARTTLS")).startsWith("503 5.5.1 ");
            assertThat(client.sendMessage(FROM, List.of(TO), "Subject: over TLS\r\n\r\nbody\r\n"))
                    .isEqualTo("250 2.0.0 Ok: queued\r\n");
            assertThat(client.command("QUIT")).startsWith("221 ");
        }
        assertThat(sink.messages()).isEqualTo(1);
        assertThat(sink.tlsMessages()).isEqualTo(1);
    }

    @Test
    void pipelinedCommandsGetRepliesInOrder() throws Exception {
        CountingSink sink = startSink(false);
        try (SmtpTestClient client = new SmtpTestClient(address(sink))) {
            client.greet();

            client.sendRaw("MAIL FROM:<" + FROM + "> SIZE=100\r\nRCPT TO:<" + TO + ">\r\nDATA\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.0 Ok\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.5 Ok\r\n");
            assertThat(client.readReply()).startsWith("354 ");

            client.sendRaw("first body\r\n.\r\nMAIL FROM:<" + FROM + ">\r\nRCPT TO:<" + TO + ">\r\nDATA\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok: queued\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.0 Ok\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.5 Ok\r\n");
            assertThat(client.readReply()).startsWith("354 ");

            client.sendRaw(".\r\nRSET\r\nNOOP\r\nXYZZY\r\nVRFY postmaster\r\nRCPT TO:<" + TO + ">\r\nQUIT\r\nNOOP\r\n");
            assertThat(client.readReply()).as("reply to an empty message").isEqualTo("250 2.0.0 Ok: queued\r\n");
            assertThat(client.readReply()).as("reply to RSET").isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.readReply()).as("reply to NOOP").isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.readReply()).as("reply to XYZZY").startsWith("500 5.5.2 ");
            assertThat(client.readReply()).as("reply to VRFY").startsWith("502 5.5.1 ");
            assertThat(client.readReply()).as("reply to RCPT without MAIL").startsWith("503 5.5.1 ");
            assertThat(client.readReply()).as("reply to QUIT").isEqualTo("221 2.0.0 Bye\r\n");
            assertThat(client.isClosedByServer()).as("closed after QUIT, NOOP unanswered").isTrue();
        }
        assertThat(sink.messages()).isEqualTo(2);
    }

    @Test
    void splitDotStuffedBodyCountsOnce() throws Exception {
        CountingSink sink = startSink(false);
        String body = "Subject: dot-stuffed\r\n\r\n..leading dot\r\n..\r\n.. \r\n...\r\n.\r.\r\n"
                + "line\r\n\r\n.x\r\n" + "filler text for a longer body\r\n".repeat(100) + "last line";
        try (SmtpTestClient client = new SmtpTestClient(address(sink))) {
            client.greet();
            client.sendRaw("MAIL FROM:<" + FROM + ">\r\nRCPT TO:<" + TO + ">\r\nDATA\r\n");
            client.readReply();
            client.readReply();
            assertThat(client.readReply()).startsWith("354 ");

            byte[] octets = body.getBytes(StandardCharsets.US_ASCII);
            for (int start = 0, size = 1; start < octets.length; start += size, size = size % 7 + 1) {
                client.sendRaw(Arrays.copyOfRange(octets, start, Math.min(octets.length, start + size)));
                Thread.sleep(start < 200 ? 2 : 0);
            }
            for (String part : List.of("\r", "\n", ".", "\r")) {
                client.sendRaw(part);
                Thread.sleep(100);
                assertThat(sink.messages()).as("messages before the end of data is complete").isZero();
            }
            client.sendRaw("\n");
            assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok: queued\r\n");
            assertThat(client.command("NOOP")).as("the sink is back in command mode").isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.command("QUIT")).startsWith("221 ");
        }
        assertThat(sink.messages()).isEqualTo(1);
    }

    @Test
    void startTlsDiscardsPipelinedPlaintext() throws Exception {
        CountingSink sink = startSink(false);
        try (SmtpTestClient client = new SmtpTestClient(address(sink))) {
            client.greet();

            // Commands pipelined in plaintext behind STARTTLS must not run: a reply to them would
            // break the handshake, and the transaction they would open must not survive TLS.
            client.sendRaw("STARTTLS\r\nMAIL FROM:<" + FROM + ">\r\nRCPT TO:<" + TO + ">\r\n");
            assertThat(client.readReply()).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
            client.startTls();

            assertThat(client.command("EHLO client.test")).startsWith("250-");
            assertThat(client.command("DATA")).as("DATA after the injected MAIL and RCPT").startsWith("503 5.5.1 ");
            assertThat(client.command("QUIT")).startsWith("221 ");
        }
        assertThat(sink.messages()).isZero();
    }

    @Test
    void overlongCommandLineIsRejected() throws Exception {
        CountingSink sink = startSink(false);
        try (SmtpTestClient client = new SmtpTestClient(address(sink))) {
            client.greet();
            String longestNoop = "NOOP " + "a".repeat(CountingSinkSession.MAX_COMMAND_LINE - 7);
            client.sendRaw(longestNoop.substring(0, 1000));
            Thread.sleep(50);
            assertThat(client.command(longestNoop.substring(1000))).as("a line of exactly the maximum, in two writes")
                    .isEqualTo("250 2.0.0 Ok\r\n");

            client.sendRaw("NOOP " + "a".repeat(CountingSinkSession.MAX_COMMAND_LINE));
            assertThat(client.readReply()).startsWith("500 5.5.6 ");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void statusFileAndSigtermShutdown() throws Exception {
        Path statusFile = directory.resolve("status.txt");
        Path certificate = directory.resolve("sink.crt");
        Path key = directory.resolve("sink.key");
        ServerTls.loadOrCreate(certificate, key, "sink.bench.example");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CountingSink.class.getName(), "0", statusFile.toString(), certificate.toString(), key.toString())
                .redirectError(directory.resolve("sink.err").toFile())
                .start();
        try {
            int port = readListeningPort(process);

            for (int i = 0; i < 2; i++) {
                String reply = SmtpTestClient.submit(new InetSocketAddress("127.0.0.1", port), FROM, List.of(TO),
                        "Subject: status\r\n\r\nbody\r\n");
                assertThat(reply).isEqualTo("250 2.0.0 Ok: queued\r\n");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(statusFile).endsWith("mesg=2 tls=0\n"));

            process.destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("sink exited after SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(statusFile);
        assertThat(lines).allMatch(line -> line.matches("mesg=\\d+ tls=\\d+"));
        assertThat(lines).first().isEqualTo("mesg=0 tls=0");
        assertThat(lines).last().isEqualTo("mesg=2 tls=0");
    }

    private CountingSink startSink(boolean requireTls) throws Exception {
        CountingSink sink = CountingSink.startWithTestCertificate(directory, requireTls);
        sinks.add(sink);
        return sink;
    }

    private static InetSocketAddress address(CountingSink sink) {
        return new InetSocketAddress("127.0.0.1", sink.port());
    }

    /** Sends one message with Jakarta Mail, with STARTTLS required when {@code startTls}, trusting any certificate. */
    private static void send(CountingSink sink, boolean startTls, String... recipients) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(sink.port()));
        properties.put("mail.smtp.localhost", "jakarta.test");
        properties.put("mail.smtp.starttls.enable", String.valueOf(startTls));
        properties.put("mail.smtp.starttls.required", String.valueOf(startTls));
        properties.put("mail.smtp.ssl.trust", "*");
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(FROM));
        for (String recipient : recipients) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject("CountingSink test");
        message.setText("First line.\n.\n..two dots\nLast line.\n");
        Transport.send(message);
    }

    /** Reads the sink's standard output up to its listening line and returns the port in it. */
    private static int readListeningPort(Process process) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String prefix = "CountingSink: listening on 127.0.0.1:";
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.startsWith(prefix)) {
                return Integer.parseInt(line.substring(prefix.length()));
            }
        }
        throw new AssertionError("the sink exited without printing '" + prefix + "PORT'");
    }
}

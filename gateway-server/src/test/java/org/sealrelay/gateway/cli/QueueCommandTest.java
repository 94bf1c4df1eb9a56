package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.Gateway;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import picocli.CommandLine;

/**
 * Runs the {@code queue} commands in-process against a running gateway whose next hop offers no
 * STARTTLS at level encrypt, so every message stays deferred in the queue.
 */
class QueueCommandTest {
    @TempDir
    Path directory;

    private NextHopServer nextHop;
    private Gateway gateway;
    private Path cliConfig;

    /** Output of one command run. */
    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        nextHop = NextHopServer.withoutStartTls();
        gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "encrypt", ""));
        cliConfig = writeCliConfig(gateway.adminAddress().getPort());
    }

    @AfterEach
    void stop() {
        gateway.close();
        nextHop.close();
    }

    @Test
    void holdAndReleaseThroughCommands() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");

        Run hold = queue("hold", id.value());

        assertThat(hold.exitCode()).isEqualTo(0);
        assertThat(hold.out()).contains(id + ": done\n");
        assertThat(gateway.queueManager().find(id).held()).isTrue();
        assertThat(queue("list").out()).containsPattern(id + " .* hold ");
        int attemptsWhenHeld = attempts(id);
        Thread.sleep(3000);
        assertThat(attempts(id)).as("attempts while on hold (retry delay is 1 to 2 s)").isEqualTo(attemptsWhenHeld);

        Run release = queue("release", id.value());

        assertThat(release.exitCode()).isEqualTo(0);
        assertThat(release.out()).contains(id + ": done\n");
        assertThat(gateway.queueManager().find(id).held()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(id) > attemptsWhenHeld);
    }

    @Test
    void holdIsKeptAcrossRestart() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");
        assertThat(queue("hold", id.value()).exitCode()).isEqualTo(0);

        gateway.close();
        gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "encrypt", ""));
        cliConfig = writeCliConfig(gateway.adminAddress().getPort());

        assertThat(gateway.queueManager().find(id).held()).isTrue();
        assertThat(queue("show", id.value()).out()).contains("state:    hold\n");
    }

    @Test
    void deleteRemovesQueuedMessage() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");

        Run delete = queue("delete", id.value());

        assertThat(delete.exitCode()).isEqualTo(0);
        assertThat(delete.out()).contains(id + ": done\n");
        assertThat(gateway.queueManager().find(id)).isNull();
        assertThat(Files.exists(directory.resolve("spool/queue/" + id + ".env"))).isFalse();
        assertThat(Files.exists(directory.resolve("spool/queue/" + id + ".msg"))).isFalse();
    }

    @Test
    void dryRunCountsWithoutChanging() throws Exception {
        QueueId lab = sendAndWaitForDeferral("results@lab.example");
        QueueId other = sendAndWaitForDeferral("someone@other.example");

        Run dryRun = queue("hold", "--domain", "lab.example", "--dry-run");

        assertThat(dryRun.exitCode()).isEqualTo(0);
        assertThat(dryRun.out()).contains(lab + ": matches\n");
        assertThat(dryRun.out()).doesNotContain(other.value());
        assertThat(dryRun.out()).contains("hold: 1 message(s) match; nothing changed (dry run)\n");
        assertThat(gateway.queueManager().find(lab).held()).isFalse();
    }

    @Test
    void selectionByReplyAndAge() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");

        Run young = queue("hold", "--reply", "STARTTLS not offered", "--older-than", "1h");
        Run matching = queue("hold", "--reply", "starttls NOT offered", "--older-than", "0s");

        assertThat(young.out()).contains("hold: 0 message(s) matched\n");
        assertThat(matching.out()).contains(id + ": done\n");
        assertThat(gateway.queueManager().find(id).held()).isTrue();
    }

    @Test
    void bounceQueuesNotificationAndRemovesOriginal() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");

        Run bounce = queue("bounce", id.value());

        assertThat(bounce.exitCode()).isEqualTo(0);
        assertThat(gateway.queueManager().find(id)).isNull();
        List<Envelope> queued = gateway.queueManager().snapshot();
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).reversePath()).isEmpty();
        assertThat(queued.get(0).recipients().get(0).address()).isEqualTo("front-desk@clinic.example");
    }

    @Test
    void listShowsDomainsUnlessAsked() throws Exception {
        QueueId id = sendAndWaitForDeferral("results@lab.example");

        Run list = queue("list");
        Run full = queue("list", "--show-addresses");
        Run show = queue("show", id.value());

        assertThat(list.out()).containsPattern(id + " .* clinic\\.example +1 +deferred +4\\.7\\.5 STARTTLS not offered");
        assertThat(list.out()).doesNotContain("front-desk");
        assertThat(full.out()).contains("front-desk@clinic.example");
        assertThat(show.out()).contains("*@lab.example").doesNotContain("results@");
        assertThat(queue("show", "--show-addresses", id.value()).out()).contains("results@lab.example");
        assertThat(queue("list", "--json").out()).contains("\"id\" : \"" + id + "\"");
    }

    @Test
    void unknownIdExitsWithNotFound() {
        String unknown = QueueId.generate().value();

        Run show = queue("show", unknown);
        Run hold = queue("hold", unknown);

        assertThat(show.exitCode()).isEqualTo(QueueExitCodes.NOT_FOUND);
        assertThat(show.err()).isEqualTo("sealrelay queue: queue id " + unknown + " not found\n");
        assertThat(hold.exitCode()).isEqualTo(QueueExitCodes.NOT_FOUND);
        assertThat(hold.err()).isEqualTo(unknown + ": not found in the queue\n");
    }

    @Test
    void invalidIdIsUsageError() {
        Run run = queue("hold", "not-an-id");

        assertThat(run.exitCode()).isEqualTo(QueueExitCodes.USAGE);
        assertThat(run.err()).startsWith("invalid queue id 'not-an-id': expected 20 characters of Crockford base32");
    }

    @Test
    void missingSelectionIsUsageError() {
        Run run = queue("delete");

        assertThat(run.exitCode()).isEqualTo(QueueExitCodes.USAGE);
        assertThat(run.err()).startsWith("missing selection: give queue ids, --domain, --reply, --older-than or --all");
    }

    @Test
    void stoppedGatewayIsReported() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        cliConfig = writeCliConfig(freePort);

        Run run = queue("list");

        assertThat(run.exitCode()).isEqualTo(QueueExitCodes.UNAVAILABLE);
        assertThat(run.err()).isEqualTo("sealrelay queue: cannot connect to the admin endpoint at 127.0.0.1:"
                + freePort + ": is the gateway running? start it with scripts/run\n");
    }

    @Test
    void wrongTokenIsRejected() throws Exception {
        Files.writeString(directory.resolve("admin.token"), "0".repeat(64) + "\n");

        Run run = queue("list");

        assertThat(run.exitCode()).isEqualTo(QueueExitCodes.NO_PERMISSION);
        assertThat(run.err()).startsWith("sealrelay queue: the gateway rejected the token in ");
    }

    private QueueId sendAndWaitForDeferral(String recipient) throws Exception {
        String reply;
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<front-desk@clinic.example>");
            client.command("RCPT TO:<" + recipient + ">");
            client.command("DATA");
            client.sendRaw("Subject: results\r\n\r\nbody\r\n.\r\n");
            reply = client.readReply();
        }
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        QueueId id = new QueueId(reply.substring("250 2.0.0 Ok: queued as ".length()).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(id) > 0 && !gateway.queueManager().isActive(id));
        return id;
    }

    private int attempts(QueueId id) {
        Envelope envelope = gateway.queueManager().find(id);
        return envelope == null ? -1 : envelope.recipients().get(0).attempts();
    }

    private Path writeCliConfig(int adminPort) throws Exception {
        Path file = directory.resolve("cli.yaml");
        Files.writeString(file, "admin:\n  address: 127.0.0.1:" + adminPort + "\n  token-file: "
                + directory.resolve("admin.token") + "\n");
        return file;
    }

    private Run queue(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new SealRelayCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 2];
        full[0] = "queue";
        full[1] = args[0];
        full[2] = "--config=" + cliConfig;
        System.arraycopy(args, 1, full, 3, args.length - 1);
        int exitCode = command.execute(full);
        return new Run(exitCode, out.toString(), err.toString());
    }
}

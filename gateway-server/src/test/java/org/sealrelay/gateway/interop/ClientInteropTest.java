package org.sealrelay.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.ExternalTool;
import org.sealrelay.gateway.testing.Messages;
import org.sealrelay.gateway.testing.TestGateways;

/** Real SMTP clients against the gateway: swaks and Python's smtplib. */
class ClientInteropTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying()
            .configEdit((directory, yaml) -> yaml.replace("relay-networks: [127.0.0.0/8]",
                    "relay-networks: [127.0.0.0/8]\n    credentials-file: "
                            + TestGateways.credentialsFile(directory, "", "billing", "correct horse")))
            .build();

    @Test
    void swaksWithStartTlsAndPipelining() throws Exception {
        Path swaks = ExternalTool.require("swaks");
        ExternalTool.Result result = ExternalTool.run(List.of(swaks.toString(),
                "--server", relay.address().getHostString() + ":" + relay.address().getPort(), "--tls", "--pipeline",
                "--helo", "swaks.test", "--from", "reminders@clinic.example", "--to", "patient@lab.example",
                "--header", "Subject: swaks interop", "--body", "Line one\n.leading dot\nLine three"),
                relay.directory(), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("250 2.0.0 Ok: queued as ");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        String delivered = new String(relay.nextHop().received().get(0).data(), StandardCharsets.ISO_8859_1);
        assertThat(delivered).contains("Subject: swaks interop\r\n").contains("\r\n.leading dot\r\n");
        assertThat(Messages.firstReceived(relay.nextHop().received().get(0).data())).contains("from swaks.test")
                .contains("ESMTPS");
    }

    @Test
    void swaksWithAuthPlain() throws Exception {
        Path swaks = ExternalTool.require("swaks");
        ExternalTool.Result result = ExternalTool.run(List.of(swaks.toString(),
                "--server", relay.address().getHostString() + ":" + relay.address().getPort(), "--tls",
                "--auth", "PLAIN", "--auth-user", "billing", "--auth-password", "correct horse",
                "--from", "billing@clinic.example", "--to", "payer@insurer.example"), relay.directory(), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("235 2.7.0 Authentication successful");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
    }

    @Test
    void pythonSmtplibSendMessage() throws Exception {
        Path python = ExternalTool.require("python3");
        Path script = relay.directory().resolve("send.py");
        Files.writeString(script, """
                import smtplib, ssl, sys
                from email.message import EmailMessage
                message = EmailMessage()
                message["From"] = "scheduler@clinic.example"
                message["To"] = "patient@lab.example"
                message["Subject"] = "Rendez-vous confirm\\u00e9"
                message.set_content("Votre rendez-vous est confirm\\u00e9.\\n.\\nMerci.")
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                with smtplib.SMTP(sys.argv[1], int(sys.argv[2]), local_hostname="python.test", timeout=30) as smtp:
                    smtp.starttls(context=context)
                    refused = smtp.send_message(message)
                    print("refused:", refused)
                """);
        ExternalTool.Result result = ExternalTool.run(List.of(python.toString(), script.toString(),
                relay.address().getHostString(), String.valueOf(relay.address().getPort())), relay.directory(), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("refused: {}");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        String delivered = new String(relay.nextHop().received().get(0).data(), StandardCharsets.UTF_8);
        assertThat(delivered).contains("Subject: Rendez-vous =?utf-8?q?confirm=C3=A9?=\r\n");
        assertThat(relay.nextHop().received().get(0).overTls()).isTrue();
    }

    @Test
    void pythonSmtplibWithSmtpUtf8Addresses() throws Exception {
        Path python = ExternalTool.require("python3");
        Path script = relay.directory().resolve("send_utf8.py");
        Files.writeString(script, """
                import smtplib, ssl, sys
                from email.message import EmailMessage
                message = EmailMessage()
                message["From"] = "r\u00e9ception@clinique.example"
                message["To"] = "m\u00fcller@praxis-m\u00fcnchen.example"
                message["Subject"] = "Termin"
                message.set_content("Ihr Termin ist best\u00e4tigt.")
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                with smtplib.SMTP(sys.argv[1], int(sys.argv[2]), local_hostname="python.test", timeout=30) as smtp:
                    smtp.starttls(context=context)
                    smtp.ehlo("python.test")
                    print("smtputf8 offered:", smtp.has_extn("smtputf8"))
                    refused = smtp.send_message(message)
                    print("refused:", refused)
                """, StandardCharsets.UTF_8);
        ExternalTool.Result result = ExternalTool.run(List.of(python.toString(), script.toString(),
                relay.address().getHostString(), String.valueOf(relay.address().getPort())), relay.directory(), 60);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("smtputf8 offered: True").contains("refused: {}");
    }
}

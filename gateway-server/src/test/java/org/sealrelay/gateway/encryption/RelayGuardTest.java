package org.sealrelay.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.delivery.SmtpDeliveryAgent;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.TlsLevel;

/** The SMTP agent itself rejects a pgp or smime request whose content is not an encrypted copy. */
class RelayGuardTest {
    @Test
    void clearContentForPgpStepIsNotSent() throws Exception {
        byte[] message = "Subject: x\r\n\r\nclear text\r\n".getBytes(StandardCharsets.US_ASCII);
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                SmtpDeliveryAgent agent = new SmtpDeliveryAgent(TestDeliveryConfigs.builder()
                        .smartHost(new HostAndPort("127.0.0.1", nextHop.port()))
                        .defaultTlsLevel(TlsLevel.MAY)
                        .build())) {
            DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "a@clinic.example", List.of("jane@lab.example"),
                    "lab.example", TlsLevel.MAY, false, message.length, () -> new ByteArrayInputStream(message),
                    TransactionOptions.NONE, List.of(DsnRequest.DEFAULT), DeliveryMethod.PGP);

            DeliveryOutcome outcome = agent.deliver(request).get(10, TimeUnit.SECONDS);

            RecipientOutcome jane = outcome.byRecipient().get("jane@lab.example");
            assertThat(jane.result()).isEqualTo(RecipientOutcome.Result.DEFERRED);
            assertThat(jane.reply()).isEqualTo("4.3.0 internal error in the delivery agent: java.lang.IllegalArgumentException:"
                    + " PGP step reached SMTP relay without an encrypted copy; nothing was sent");
            assertThat(nextHop.received()).isEmpty();
        }
    }
}

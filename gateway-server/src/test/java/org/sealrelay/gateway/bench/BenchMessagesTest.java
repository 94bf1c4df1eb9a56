package org.sealrelay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.detect.SsnDetector;

class BenchMessagesTest {
    private static final int HEADER_ALLOWANCE = 400;
    private static final int MAX_LINE = 78;

    @Test
    void phiBodiesContainValidSsns() {
        List<byte[]> messages = BenchMessages.build(BenchMessages.Content.PHI, 2048, "a@source.example", "b@phi.example", 1);

        assertThat(messages).hasSize(BenchMessages.VARIANTS);
        for (byte[] message : messages) {
            assertThat(new SsnDetector().count(new String(message, StandardCharsets.US_ASCII))).isPositive();
        }
    }

    @Test
    void largePhiBodyRepeatsClinicalNotes() {
        byte[] message = BenchMessages.build(BenchMessages.Content.PHI, 102_400, "a@source.example", "b@phi.example", 1)
                .get(0);

        assertThat(new SsnDetector().count(new String(message, StandardCharsets.US_ASCII))).isGreaterThanOrEqualTo(12);
    }

    @Test
    void fillerBodiesContainNoSsn() {
        for (byte[] message : BenchMessages.build(BenchMessages.Content.FILLER, 102_400, "a@source.example",
                "b@plain.example", 1)) {
            assertThat(new SsnDetector().count(new String(message, StandardCharsets.US_ASCII))).isZero();
        }
    }

    @Test
    void sizeIsBodyOctetsPlusHeaders() {
        for (BenchMessages.Content content : BenchMessages.Content.values()) {
            for (int size : new int[] {2048, 102_400}) {
                byte[] message = BenchMessages.build(content, size, "a@source.example", "b@plain.example", 1).get(0);

                assertThat(message.length).as("%s %d", content, size).isBetween(size - MAX_LINE, size + HEADER_ALLOWANCE);
            }
        }
    }

    @Test
    void linesNeedNoDotStuffing() {
        for (BenchMessages.Content content : BenchMessages.Content.values()) {
            String text = new String(BenchMessages.build(content, 20_000, "a@source.example", "b@plain.example", 1).get(3),
                    StandardCharsets.US_ASCII);

            assertThat(text).endsWith("\r\n");
            assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
            for (String line : text.split("\r\n")) {
                assertThat(line.length()).as("line length in %s", content).isLessThanOrEqualTo(MAX_LINE);
                assertThat(line).as("line start in %s", content).doesNotStartWith(".");
            }
        }
    }

    @Test
    void dataTerminatorIsAppended() {
        List<byte[]> terminated = BenchMessages.withDataTerminator(List.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(new String(terminated.get(0), StandardCharsets.US_ASCII)).isEqualTo("Subject: x\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void socialSecurityNumbersAreIssuable() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String number = BenchMessages.socialSecurityNumber(random);

            assertThat(number).matches("\\d{3}-\\d{2}-\\d{4}");
            assertThat(new SsnDetector().count(number)).as(number).isEqualTo(1);
        }
    }
}

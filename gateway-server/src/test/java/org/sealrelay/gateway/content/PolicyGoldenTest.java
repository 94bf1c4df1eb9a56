package org.sealrelay.gateway.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.rules.PolicyFileException;
import org.sealrelay.policy.rules.RulesPolicy;

/**
 * Golden decisions of {@code config/policy.yaml}: for each {@code golden/NAME.ref} the
 * message {@code eml/NAME.eml} is extracted and decided for the recipients the .ref file names,
 * and the output must equal the rest of the .ref file line for line.
 *
 * <p>A .ref file starts with {@code recipients: a@x b@y}, optionally followed by
 * {@code client: IP} and {@code tls: true}. Each following line is one recipient's decision as
 * {@code address verdict rule plan evidence}.
 */
class PolicyGoldenTest {
    private static final Path EXAMPLE = Path.of("../config/policy.yaml");

    static Stream<String> cases() throws URISyntaxException, IOException {
        Path folder = Path.of(PolicyGoldenTest.class.getResource("/golden").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".ref"))
                    .map(name -> name.substring(0, name.length() - ".ref".length()))
                    .sorted()
                    .toList();
            assertThat(names).as("golden cases").isNotEmpty();
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decisionsMatchReference(String name) throws Exception {
        List<String> reference = Files.readAllLines(
                Path.of(PolicyGoldenTest.class.getResource("/golden/" + name + ".ref").toURI()), StandardCharsets.UTF_8);
        List<String> recipients = new ArrayList<>();
        String client = "192.0.2.1";
        String tls = null;
        int line = 0;
        for (; line < reference.size() && reference.get(line).contains(": "); line++) {
            String[] setting = reference.get(line).split(": ", 2);
            switch (setting[0]) {
                case "recipients" -> recipients.addAll(Arrays.asList(setting[1].trim().split("\\s+")));
                case "client" -> client = setting[1].trim();
                case "tls" -> tls = Boolean.parseBoolean(setting[1].trim()) ? "TLSv1.3" : null;
                default -> throw new IllegalArgumentException(name + ".ref: unknown setting " + setting[0]);
            }
        }
        List<String> expected = reference.subList(line, reference.size());

        assertThat(decide(name, recipients, client, tls)).isEqualTo(expected);
    }

    private static List<String> decide(String name, List<String> recipients, String client, String tls)
            throws IOException, PolicyFileException {
        RulesPolicy policy = PolicyFile.read(EXAMPLE);
        ContentFacts content;
        long size;
        try (InputStream in = PolicyGoldenTest.class.getResourceAsStream("/eml/" + name + ".eml")) {
            assertThat(in).as("eml/%s.eml", name).isNotNull();
            byte[] octets = in.readAllBytes();
            size = octets.length;
            content = new ContentExtractor(ExtractionLimits.DEFAULTS).extract(new java.io.ByteArrayInputStream(octets));
        }
        MessageFacts facts = new MessageFacts(client, "smtp", tls, "clinic@hospital.example", recipients, size, content);
        List<String> lines = new ArrayList<>();
        List<Decision> decisions = policy.decideAll(facts);
        for (int i = 0; i < decisions.size(); i++) {
            Decision decision = decisions.get(i);
            lines.add(recipients.get(i) + " " + decision.verdict() + " " + decision.rule() + " "
                    + (decision.plan() == null ? "-" : decision.plan()) + " " + decision.evidence());
        }
        return lines;
    }
}

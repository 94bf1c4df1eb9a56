package org.sealrelay.gateway.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.rules.PolicyFileException;
import org.sealrelay.policy.rules.RulesPolicy;

/**
 * JMH benchmark of content inspection with {@code config/policy.yaml}, on one thread: the
 * detector scan alone, and the full rule evaluation (scan plus rules) for two recipients. The
 * text is the extracted text of the detector corpus messages, joined and cut to {@code size}
 * characters, so it mixes PHI and benign mail as the corpus does. The text is ASCII, so
 * characters equal octets, and MB/s per core is {@code ops/s * size / 10^6}.
 *
 * <p>Run from the repository root or from {@code gateway-server}, where {@code config/policy.yaml}
 * is found.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyScanBenchmark {
    @Param({"2048", "102400"})
    public int size;

    private RulesPolicy policy;
    private MessageFacts facts;
    private String scannedText;

    @Setup
    public void buildMessage() throws IOException, URISyntaxException, PolicyFileException {
        policy = PolicyFile.read(findPolicy());
        StringBuilder text = new StringBuilder();
        Path corpus = Path.of(PolicyScanBenchmark.class.getResource("/corpus").toURI());
        ContentExtractor extractor = new ContentExtractor(ExtractionLimits.DEFAULTS);
        while (text.length() < size) {
            try (Stream<Path> files = Files.list(corpus)) {
                for (Path file : files.filter(path -> path.toString().endsWith(".eml")).sorted().toList()) {
                    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
                        text.append(extractor.extract(in).text()).append("\n\n");
                    }
                    if (text.length() >= size) {
                        break;
                    }
                }
            }
        }
        text.setLength(size);
        ContentFacts content = new ContentFacts(List.of(new ContentFacts.HeaderField("Subject", "Follow-up")),
                text.toString(), List.of(), 0, false);
        facts = new MessageFacts("192.0.2.1", "smtp", "TLSv1.3", "clinic@hospital.example",
                List.of("doctor@partner.example", "nurse@hospital.example"), size, content);
        scannedText = "Follow-up\n" + text;
    }

    private static Path findPolicy() {
        for (Path candidate : List.of(Path.of("config/policy.yaml"), Path.of("../config/policy.yaml"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("config/policy.yaml not found from " + Path.of("").toAbsolutePath()
                + "; run the benchmark from the repository root");
    }

    @Benchmark
    public Map<String, Integer> detectorScan() {
        return policy.detectors().scan(scannedText);
    }

    @Benchmark
    public List<Decision> ruleEvaluation() {
        return policy.decideAll(facts);
    }
}

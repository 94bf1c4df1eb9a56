package org.sealrelay.gateway.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.TlsLevel;

/**
 * JMH benchmark of the per-recipient policy decision with 200 domain entries: a recipient whose
 * parent domain has an entry (two lookups) and one that falls through to the default (a lookup
 * per label).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DomainTlsPolicyBenchmark {
    private DomainTlsPolicy policy;
    private MessageFacts facts;

    @Setup
    public void buildPolicy() {
        Map<String, TlsLevel> levels = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            levels.put("clinic" + i + ".example", i % 2 == 0 ? TlsLevel.VERIFY : TlsLevel.ENCRYPT);
        }
        policy = new DomainTlsPolicy(TlsLevel.ENCRYPT, levels);
        facts = new MessageFacts("127.0.0.1", "smtp", null, "sender@bench.example",
                List.of("nurse@ward.clinic77.example"), 2048);
    }

    @Benchmark
    public Decision parentDomainEntry() {
        return policy.decide(facts, "nurse@ward.Clinic77.example");
    }

    @Benchmark
    public Decision defaultLevel() {
        return policy.decide(facts, "someone@mail.unlisted-partner.example.org");
    }
}

package org.sealrelay.gateway.dns;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/**
 * A resolver that answers from {@link TestZone}s in memory, as an authoritative server would,
 * with signatures and NSEC proofs when the zone is signed, whether or not the query has the DO
 * bit. Names in no zone get REFUSED. No network is used; {@link LoopbackDnsServer} serves the
 * same answers over UDP and TCP.
 */
public final class InMemoryResolver implements Resolver {
    private final ZoneAnswers answers;
    private final AtomicInteger queries = new AtomicInteger();

    public InMemoryResolver(TestZone... zones) {
        this.answers = new ZoneAnswers(List.of(zones));
    }

    /** Returns how many queries have been answered. */
    public int queries() {
        return queries.get();
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        queries.incrementAndGet();
        return CompletableFuture.completedFuture(answers.answer(query, true));
    }

    @Override
    public void setPort(int port) {}

    @Override
    public void setTCP(boolean flag) {}

    @Override
    public void setIgnoreTruncation(boolean flag) {}

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

    @Override
    public void setTSIGKey(TSIG key) {}

    @Override
    public void setTimeout(Duration timeout) {}
}

package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.MxAnswer;
import org.sealrelay.gateway.dns.MxResolver;

class NextHopSelectorTest {
    @Test
    void mxHostsUsePort25InOrder() {
        Route route = NextHopSelector.toRoute(new MxAnswer(MxAnswer.Status.MX, List.of("a.example.org", "b.example.org"), ""));

        assertThat(route.isFailure()).isFalse();
        assertThat(route.hosts()).containsExactly(
                new HostAndPort("a.example.org", 25), new HostAndPort("b.example.org", 25));
        assertThat(route.implicitMx()).isFalse();
    }

    @Test
    void nullMxBouncesWith5110() {
        Route route = NextHopSelector.toRoute(new MxAnswer(MxAnswer.Status.NULL_MX, List.of(), "no mail"));

        assertThat(route.failure()).isEqualTo(Result.BOUNCED);
        assertThat(route.failureReason()).isEqualTo("5.1.10 no mail");
    }

    @Test
    void nxdomainBouncesWith512() {
        Route route = NextHopSelector.toRoute(new MxAnswer(MxAnswer.Status.NO_SUCH_DOMAIN, List.of(), "not found"));

        assertThat(route.failure()).isEqualTo(Result.BOUNCED);
        assertThat(route.failureReason()).isEqualTo("5.1.2 not found");
    }

    @Test
    void servfailDefersWith443() {
        Route route = NextHopSelector.toRoute(new MxAnswer(MxAnswer.Status.TEMPORARY_FAILURE, List.of(), "SERVFAIL"));

        assertThat(route.failure()).isEqualTo(Result.DEFERRED);
        assertThat(route.failureReason()).isEqualTo("4.4.3 SERVFAIL");
    }

    @Test
    void smartHostSkipsDns() {
        HostAndPort smartHost = new HostAndPort("relay.example.net", 587);
        NextHopSelector selector = new NextHopSelector(new TransportTable(Map.of(), smartHost), new MxResolver());

        Route route = selector.select("example.org").join();

        assertThat(route.hosts()).containsExactly(smartHost);
        assertThat(route.viaSmartHost()).isTrue();
    }
}

package org.sealrelay.gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.MxAnswer;
import org.sealrelay.gateway.dns.MxResolver;

/**
 * Chooses the hosts for a recipient domain: the smart host when one is configured, otherwise the
 * domain's MX hosts on port 25. Maps DNS answers that end the attempt to outcomes: null MX
 * bounces with 5.1.10 (RFC 7505), NXDOMAIN bounces with 5.1.2, and any other DNS failure defers
 * with 4.4.3.
 */
final class NextHopSelector {
    static final int SMTP_PORT = 25;

    private final HostAndPort smartHost;
    private final MxResolver mxResolver;

    /** @param smartHost the configured smart host, or null to use MX records */
    NextHopSelector(HostAndPort smartHost, MxResolver mxResolver) {
        this.smartHost = smartHost;
        this.mxResolver = mxResolver;
    }

    /** Returns the route for {@code domain}; the future never completes exceptionally. */
    CompletableFuture<Route> select(String domain) {
        if (smartHost != null) {
            return CompletableFuture.completedFuture(Route.to(List.of(smartHost), true, false));
        }
        return mxResolver.resolveMx(domain)
                .thenApply(NextHopSelector::toRoute)
                .exceptionally(error -> Route.failed(Result.DEFERRED, "4.4.3 MX lookup for " + domain + " failed: " + error));
    }

    static Route toRoute(MxAnswer answer) {
        return switch (answer.status()) {
            case MX, IMPLICIT_MX -> {
                List<HostAndPort> hosts = new ArrayList<>();
                for (String host : answer.hosts()) {
                    hosts.add(new HostAndPort(host, SMTP_PORT));
                }
                yield Route.to(hosts, false, answer.status() == MxAnswer.Status.IMPLICIT_MX);
            }
            case NULL_MX -> Route.failed(Result.BOUNCED, "5.1.10 " + answer.detail());
            case NO_SUCH_DOMAIN -> Route.failed(Result.BOUNCED, "5.1.2 " + answer.detail());
            case TEMPORARY_FAILURE -> Route.failed(Result.DEFERRED, "4.4.3 " + answer.detail());
        };
    }
}

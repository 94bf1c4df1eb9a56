package org.sealrelay.gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.MxAnswer;
import org.sealrelay.gateway.dns.MxResolver;

/**
 * Chooses the hosts for a recipient domain from its transport: one fixed host (the smart host or
 * an {@code smtp:[host]} entry), the MX hosts of a relay domain ({@code smtp:host}), or the
 * domain's own MX hosts on port 25. Maps DNS answers that end the attempt to outcomes: null MX
 * bounces with 5.1.10 (RFC 7505), NXDOMAIN bounces with 5.1.2, and any other DNS failure defers
 * with 4.4.3.
 */
final class NextHopSelector {
    static final int SMTP_PORT = Transport.SMTP_PORT;

    private final TransportTable transports;
    private final MxResolver mxResolver;

    NextHopSelector(TransportTable transports, MxResolver mxResolver) {
        this.transports = transports;
        this.mxResolver = mxResolver;
    }

    /** Returns the transport that applies to {@code domain}. */
    Transport transportFor(String domain) {
        return transports.lookup(domain);
    }

    /** Returns the route for {@code domain}; the future never completes exceptionally. */
    CompletableFuture<Route> select(String domain) {
        Transport transport = transports.lookup(domain);
        return switch (transport.kind()) {
            case FIXED_HOST -> CompletableFuture.completedFuture(
                    Route.to(List.of(new HostAndPort(transport.host(), transport.port())), true, false));
            case MX_OF_HOST -> lookupMx(transport.host(), transport.port());
            case MX -> lookupMx(domain, SMTP_PORT);
        };
    }

    private CompletableFuture<Route> lookupMx(String mxDomain, int port) {
        return mxResolver.resolveMx(mxDomain)
                .thenApply(answer -> toRoute(answer, port))
                .exceptionally(error -> Route.failed(Result.DEFERRED, "4.4.3 MX lookup for " + mxDomain + " failed: " + error));
    }

    static Route toRoute(MxAnswer answer) {
        return toRoute(answer, SMTP_PORT);
    }

    static Route toRoute(MxAnswer answer, int port) {
        return switch (answer.status()) {
            case MX, IMPLICIT_MX -> {
                List<HostAndPort> hosts = new ArrayList<>();
                for (String host : answer.hosts()) {
                    hosts.add(new HostAndPort(host, port));
                }
                yield Route.to(hosts, false, answer.status() == MxAnswer.Status.IMPLICIT_MX);
            }
            case NULL_MX -> Route.failed(Result.BOUNCED, "5.1.10 " + answer.detail());
            case NO_SUCH_DOMAIN -> Route.failed(Result.BOUNCED, "5.1.2 " + answer.detail());
            case TEMPORARY_FAILURE -> Route.failed(Result.DEFERRED, "4.4.3 " + answer.detail());
        };
    }
}

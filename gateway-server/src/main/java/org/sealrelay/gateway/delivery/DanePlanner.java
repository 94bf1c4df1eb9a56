package org.sealrelay.gateway.delivery;

import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.DnssecResolver.Security;
import org.sealrelay.gateway.dns.HostLookupException;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.xbill.DNS.Address;
import org.xbill.DNS.TLSARecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies DANE (RFC 7672) to a request at the {@code dane} level, in two steps.
 *
 * <ol>
 *   <li>{@link #route}: the MX RRset is looked up through the DNSSEC validator. Bogus or failed
 *       answers defer the whole request with 4.7.5. An insecure RRset means DANE does not apply,
 *       so the hosts get the fallback requirement (section 2.2.1). A configured fixed host skips
 *       this step.
 *   <li>{@link #host}: each host's addresses and then its TLSA records at {@code _port._tcp.host}
 *       are looked up. Secure usable TLSA records make DANE authentication mandatory; secure
 *       records that are all unusable or malformed require TLS, authenticated only when the
 *       fallback requirement authenticates (section 2.2); insecure or
 *       provably absent records give the fallback requirement; bogus or failed lookups skip the
 *       host with 4.7.5 (section 2.2.2).
 * </ol>
 *
 * <p>The fallback requirement is decided by the caller: the domain's MTA-STS policy when it
 * publishes one, or the configured fallback level. A DANE failure is never handed to MTA-STS
 * (RFC 8461 section 2): only the absence of secure TLSA records is.
 *
 * <p>For a domain in {@code delivery.dane-required} there is no fallback (mandatory DANE, RFC
 * 7672 section 6). Where DANE would not apply, the request or host is deferred with 4.7.5 and
 * counted as {@code dane-required} for TLS reports (RFC 8460 section 4.3.2.1). Secure TLSA
 * records that are all unusable defer the host too, counted as {@code tlsa-invalid}.
 */
final class DanePlanner {
    private static final Logger log = LoggerFactory.getLogger(DanePlanner.class);

    /** The requirement's name in logs and outcome text for a host whose TLSA records are all unusable. */
    static final String UNUSABLE_TLSA_POLICY = "dane (no usable TLSA records)";

    private final DnssecResolver dnssec;
    private final TlsClientContexts contexts;
    private final TlsReportCounters reports;
    private final Set<String> daneRequired;

    /** @param daneRequired domains, with their subdomains, where DANE is mandatory ({@code delivery.dane-required}) */
    DanePlanner(DnssecResolver dnssec, TlsClientContexts contexts, TlsReportCounters reports, Set<String> daneRequired) {
        this.dnssec = dnssec;
        this.contexts = contexts;
        this.reports = reports;
        this.daneRequired = Set.copyOf(daneRequired);
    }

    /** Returns the route for {@code request} under DANE; the future never completes exceptionally. */
    CompletableFuture<Route> route(DeliveryRequest request, Transport transport) {
        if (transport.kind() == Transport.Kind.FIXED_HOST) {
            HostAndPort host = new HostAndPort(transport.host(), transport.port());
            return CompletableFuture.completedFuture(Route.to(List.of(host), true, false).withDane());
        }
        String mxDomain = transport.kind() == Transport.Kind.MX ? request.domain() : transport.host();
        return dnssec.resolveMx(mxDomain).thenApply(answer -> switch (answer.security()) {
            case BOGUS, FAILED -> {
                String reason = "4.7.5 DNSSEC validation of the MX records of " + mxDomain + " failed: "
                        + answer.reason();
                log.warn("queueId={} domain={} {}", request.queueId(), request.domain(), reason);
                reports.failure(request.domain(), TlsReportCounters.PolicyType.TLSA,
                        TlsReportCounters.FailureType.DNSSEC_INVALID);
                yield Route.failed(Result.DEFERRED, reason);
            }
            case INSECURE -> {
                if (requiresDane(request)) {
                    String reason = daneRequiredReason(request, "the MX records of " + mxDomain
                            + " are not DNSSEC-secure");
                    log.warn("queueId={} domain={} {}", request.queueId(), request.domain(), reason);
                    policyFailure(request, "", ResultType.DANE_REQUIRED);
                    yield Route.failed(Result.DEFERRED, reason);
                }
                log.info("queueId={} domain={} MX records of {} are not DNSSEC-secure, so DANE does not apply",
                        request.queueId(), request.domain(), mxDomain);
                yield NextHopSelector.toRoute(answer.mx(), transport.port());
            }
            case SECURE -> {
                Route route = NextHopSelector.toRoute(answer.mx(), transport.port());
                yield route.isFailure() ? route : route.withDane();
            }
        });
    }

    /**
     * Returns the addresses and TLS requirement of {@code host} on a DANE route. The future fails
     * with {@link HostLookupException} when the host has no addresses, as
     * {@code MxResolver.resolveAddresses} does.
     *
     * @param fallback the requirement where DANE does not apply to this host
     */
    CompletableFuture<HostPlan> host(DeliveryRequest request, HostAndPort host, HopTls fallback) {
        if (Address.isDottedQuad(host.host()) || host.host().indexOf(':') >= 0) {
            if (requiresDane(request)) {
                return done(daneRequired(request, host, "next hop " + host.host() + " is an IP address,"
                        + " which has no TLSA records"));
            }
            log.info("queueId={} host={} is an IP address, which has no TLSA records, so DANE does not apply",
                    request.queueId(), host);
            try {
                return CompletableFuture.completedFuture(
                        HostPlan.ready(List.of(InetAddress.getByName(host.host())), fallback));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(new HostLookupException(host.host(), false, e.getMessage()));
            }
        }
        return dnssec.resolveAddresses(host.host()).thenCompose(addresses -> {
            switch (addresses.security()) {
                case BOGUS, FAILED -> {
                    dnssecInvalid(request, host);
                    return done(HostPlan.deferred("4.7.5 DNSSEC validation of the addresses of " + host.host()
                            + " failed: " + addresses.reason()));
                }
                case INSECURE -> {
                    if (addresses.addresses().isEmpty()) {
                        return CompletableFuture.failedFuture(new HostLookupException(host.host(), true, addresses.reason()));
                    }
                    if (requiresDane(request)) {
                        return done(daneRequired(request, host, "the addresses of " + host.host()
                                + " are not DNSSEC-secure"));
                    }
                    log.info("queueId={} host={} addresses are not DNSSEC-secure, so DANE does not apply; using {}",
                            request.queueId(), host.host(), fallback.policy());
                    return done(HostPlan.ready(addresses.addresses(), fallback));
                }
                default -> {
                    if (addresses.addresses().isEmpty()) {
                        return CompletableFuture.failedFuture(new HostLookupException(host.host(), true, addresses.reason()));
                    }
                    return dnssec.lookupTlsa(host.host(), host.port())
                            .thenApply(tlsa -> withTlsa(request, host, addresses.addresses(), tlsa, fallback));
                }
            }
        });
    }

    private HostPlan withTlsa(DeliveryRequest request, HostAndPort host, List<InetAddress> addresses,
            DnssecResolver.TlsaAnswer tlsa, HopTls fallback) {
        String owner = "_" + host.port() + "._tcp." + host.host();
        if (tlsa.security() == Security.BOGUS || tlsa.security() == Security.FAILED) {
            dnssecInvalid(request, host);
            return HostPlan.deferred("4.7.5 DNSSEC validation of the TLSA records at " + owner + " failed: "
                    + tlsa.reason());
        }
        if (tlsa.security() == Security.INSECURE || tlsa.records().isEmpty()) {
            if (requiresDane(request)) {
                return daneRequired(request, host, "there are no DNSSEC-secure TLSA records at " + owner);
            }
            log.info("queueId={} host={} has no DNSSEC-secure TLSA records at {}, so DANE does not apply; using {}",
                    request.queueId(), host.host(), owner, fallback.policy());
            return HostPlan.ready(addresses, fallback);
        }
        List<TLSARecord> usable = DaneVerifier.usable(tlsa.records());
        if (usable.isEmpty() && requiresDane(request)) {
            String reason = daneRequiredReason(request, "none of the TLSA records at " + owner + " is usable");
            log.warn("queueId={} host={} skipped: {}", request.queueId(), host.host(), reason);
            policyFailure(request, host.host(), ResultType.TLSA_INVALID);
            return HostPlan.deferred(reason);
        }
        if (usable.isEmpty()) {
            return HostPlan.ready(addresses, unusableTlsa(request, host, owner, tlsa.records(), fallback));
        }
        DaneVerifier verifier = new DaneVerifier(usable, List.of(host.host(), request.domain()));
        List<String> presentation = new ArrayList<>();
        for (TLSARecord record : usable) {
            presentation.add(record.rdataToString());
        }
        HopTls dane = new HopTls("dane", true, true, true,
                TlsClientContexts.withTrustManager(new DaneTrustManager(verifier)), presentation);
        log.info("queueId={} host={} DANE applies with {} usable TLSA records", request.queueId(), host.host(),
                usable.size());
        return HostPlan.ready(addresses, dane);
    }

    /**
     * Returns the requirement of a host whose secure TLSA records are all unusable. RFC 7672
     * section 2.2 still requires TLS there, without authentication, unless the fallback
     * authenticates the peer, which is kept. TLS reports count such sessions as
     * {@code tlsa-invalid} under the published records.
     */
    private HopTls unusableTlsa(DeliveryRequest request, HostAndPort host, String owner, List<TLSARecord> records,
            HopTls fallback) {
        log.warn("queueId={} host={} publishes {} TLSA records at {}, none usable for SMTP; requiring TLS"
                + " without DANE authentication", request.queueId(), host.host(), records.size(), owner);
        List<String> presentation = new ArrayList<>();
        for (TLSARecord record : records) {
            presentation.add(record.rdataToString());
        }
        SslContext context = fallback.verifiesPeer() ? fallback.context() : contexts.unverified();
        return new HopTls(UNUSABLE_TLSA_POLICY, true, true, fallback.verifiesPeer(), context, presentation, true);
    }

    private boolean requiresDane(DeliveryRequest request) {
        return DomainSets.covers(daneRequired, request.domain());
    }

    private static String daneRequiredReason(DeliveryRequest request, String problem) {
        return "4.7.5 delivery.dane-required demands DANE for " + request.domain() + ", but " + problem;
    }

    /** Counts {@code dane-required} for {@code host} and returns the plan that skips it. */
    private HostPlan daneRequired(DeliveryRequest request, HostAndPort host, String problem) {
        String reason = daneRequiredReason(request, problem);
        log.warn("queueId={} host={} skipped: {}", request.queueId(), host.host(), reason);
        policyFailure(request, host.host(), ResultType.DANE_REQUIRED);
        return HostPlan.deferred(reason);
    }

    private void dnssecInvalid(DeliveryRequest request, HostAndPort host) {
        policyFailure(request, host.host(), ResultType.DNSSEC_INVALID);
    }

    /** Counts a DANE policy failure found before any connection; {@code host} is empty when none was chosen. */
    private void policyFailure(DeliveryRequest request, String host, ResultType type) {
        reports.failure(ReportPolicy.tlsa(request.domain(), List.of()), new FailureDetail(type, "", host, ""));
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}

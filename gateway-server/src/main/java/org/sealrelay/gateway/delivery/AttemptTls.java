package org.sealrelay.gateway.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.PolicyType;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.SourceAddress;
import org.sealrelay.policy.TlsLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS state of one delivery attempt outside DANE: the requirement for hosts where DANE does
 * not apply (the plain level, or the domain's MTA-STS policy), the MX check of MTA-STS, and the
 * TLS report count of each session. Callbacks of one attempt run one after another, so only the
 * flag that the testing-mode trust manager sets from the event loop needs to be volatile.
 */
final class AttemptTls {
    private static final Logger log = LoggerFactory.getLogger(AttemptTls.class);

    static final String MTA_STS_ENFORCE = "mta-sts enforce";
    static final String MTA_STS_TESTING = "mta-sts testing";

    private final DeliveryRequest request;
    private final DeliveryConfig config;
    private final TlsClientContexts contexts;
    private final TlsReportCounters reports;
    private HopTls nonDane;
    private MtaStsPolicy stsPolicy;
    /** Set by the MTA-STS testing mode trust manager when a certificate fails the policy. */
    private volatile boolean stsTestingFailure;

    AttemptTls(DeliveryRequest request, DeliveryConfig config, TlsClientContexts contexts, TlsReportCounters reports) {
        this.request = request;
        this.config = config;
        this.contexts = contexts;
        this.reports = reports;
    }

    /** Returns the requirement for hosts where DANE does not apply; set by {@link #resolve}. */
    HopTls nonDane() {
        return nonDane;
    }

    /**
     * Decides the requirement for hosts where DANE does not apply, from the effective level and
     * the domain's MTA-STS policy.
     *
     * @param policy the MTA-STS policy in force, or null
     */
    void resolve(TlsLevel level, MtaStsPolicy policy) {
        boolean plainLevel = level != TlsLevel.DANE && level != TlsLevel.MTA_STS;
        HopTls base = HopTls.of(plainLevel ? level : config.fallbackTlsLevel(), contexts);
        if (policy == null || policy.mode() == MtaStsPolicy.Mode.NONE) {
            if (level == TlsLevel.MTA_STS) {
                log.info("queueId={} domain={} has no MTA-STS policy for this route; using level {}",
                        request.queueId(), request.domain(), base.policy());
            }
            nonDane = base;
            return;
        }
        stsPolicy = policy;
        if (policy.mode() == MtaStsPolicy.Mode.ENFORCE) {
            // RFC 8461 section 4.2: PKIX validation with the MX host name, and never clear text.
            nonDane = new HopTls(MTA_STS_ENFORCE, true, true, true, contexts.verified());
            return;
        }
        if (base.verifiesPeer()) {
            nonDane = base;
            return;
        }
        ReportingTrustManager reporting = new ReportingTrustManager(contexts.pkixTrustManager(), failure -> {
            stsTestingFailure = true;
            log.warn("queueId={} domain={} MTA-STS testing mode: the certificate would fail the policy,"
                    + " delivering anyway: {}", request.queueId(), request.domain(), failure.getMessage());
        });
        nonDane = new HopTls(MTA_STS_TESTING, true, base.requiresTls(), false,
                TlsClientContexts.withTrustManager(reporting, "HTTPS"));
    }

    /**
     * Returns whether the MTA-STS policy rules {@code host} out: only in enforce mode, and only
     * for hosts that DANE does not cover. A mismatch in testing mode is logged.
     */
    boolean rejectedByMtaSts(HopTls hostTls, HostAndPort host) {
        if (stsPolicy == null || hostTls != nonDane || stsPolicy.allowsMx(host.host())) {
            return false;
        }
        // RFC 8460 has no result type for an MX host outside the policy; validation-failure is the nearest.
        reports.failure(stsReportPolicy(), new FailureDetail(ResultType.VALIDATION_FAILURE, "", host.host(), ""));
        if (stsPolicy.mode() == MtaStsPolicy.Mode.ENFORCE) {
            return true;
        }
        log.warn("queueId={} domain={} MTA-STS testing mode: MX host {} matches none of {}, delivering anyway",
                request.queueId(), request.domain(), host.host(), stsPolicy.mxPatterns());
        return false;
    }

    /** Returns the deferral reason for a host that {@link #rejectedByMtaSts} ruled out. */
    String mtaStsMismatchReason(HostAndPort host) {
        return "4.7.5 MX host " + host.host() + " does not match the MTA-STS policy of " + request.domain()
                + " (mx " + String.join(", ", stsPolicy.mxPatterns()) + ")";
    }

    /**
     * Counts the session as a success or failure of the policy in force (RFC 8460 section
     * 4.3), with the MX host and both addresses as failure details. A failed handshake at a
     * verifying policy is typed by {@link HandshakeFailures}: expired, untrusted or wrong-host
     * certificates get their own result types, anything else is validation-failure. A session
     * with a host whose TLSA records are all unusable is {@code tlsa-invalid} once TLS is up.
     */
    void countForTlsReport(SessionResult session, HopTls hostTls, NextHop hop) {
        ReportPolicy policy = reportPolicy(hostTls);
        boolean testingFailure = stsTestingFailure;
        stsTestingFailure = false;
        ResultType failure = null;
        if (testingFailure) {
            failure = ResultType.VALIDATION_FAILURE;
        } else if (session.tlsProtocol() != null && hostTls.unusableTlsa()) {
            // RFC 8460 section 4.3.2.1: the TLSA RRset was invalid although TLS was negotiated.
            failure = ResultType.TLSA_INVALID;
        } else if (session.tlsProtocol() != null) {
            reports.success(policy);
        } else if (session.startTls() == SessionResult.StartTlsOffer.NOT_OFFERED
                && (hostTls.requiresTls() || policy.type() != PolicyType.NO_POLICY_FOUND)) {
            failure = ResultType.STARTTLS_NOT_SUPPORTED;
        } else if (session.startTls() == SessionResult.StartTlsOffer.OFFERED && hostTls.verifiesPeer()) {
            failure = session.tlsFailure() != null ? session.tlsFailure() : ResultType.VALIDATION_FAILURE;
        }
        if (failure != null) {
            InetAddress receiving = hop.address().getAddress();
            reports.failure(policy, new FailureDetail(failure, SourceAddress.towards(receiving), hop.hostName(),
                    receiving.getHostAddress()));
        }
    }

    private ReportPolicy reportPolicy(HopTls hostTls) {
        if (hostTls.policy().startsWith("dane")) {
            return ReportPolicy.tlsa(request.domain(), hostTls.tlsaRecords());
        }
        if (hostTls.policy().startsWith("mta-sts") && stsPolicy != null) {
            return stsReportPolicy();
        }
        return ReportPolicy.noPolicyFound(request.domain());
    }

    /** Returns the MTA-STS policy in force as RFC 8460 section 4.4 describes it. */
    private ReportPolicy stsReportPolicy() {
        // NOTE: the lines are rebuilt from the parsed policy, so unknown keys and the server's
        // original spacing are not reported.
        List<String> lines = new ArrayList<>();
        lines.add("version: STSv1");
        lines.add("mode: " + stsPolicy.mode().name().toLowerCase(Locale.ROOT));
        for (String pattern : stsPolicy.mxPatterns()) {
            lines.add("mx: " + pattern);
        }
        lines.add("max_age: " + stsPolicy.maxAge().toSeconds());
        return ReportPolicy.sts(request.domain(), lines, stsPolicy.mxPatterns());
    }
}

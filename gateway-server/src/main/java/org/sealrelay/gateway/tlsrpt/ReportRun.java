package org.sealrelay.gateway.tlsrpt;

/**
 * The result of one run of {@link TlsReportService#sendDue}, for logs and tests.
 *
 * @param reported domains whose report at least one endpoint accepted
 * @param withoutPolicy domains without a valid TLSRPT record or usable endpoint, whose counts
 *     were dropped unsent
 * @param failed domains whose report no endpoint accepted; their counts are dropped too
 * @param postponed domains whose TXT lookup failed; their counts stay for the next run
 */
public record ReportRun(int reported, int withoutPolicy, int failed, int postponed) {}

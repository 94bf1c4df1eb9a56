/**
 * SMTP TLS Reporting (RFC 8460): durable per-day counts of outbound TLS sessions by policy
 * domain ({@link org.sealrelay.gateway.tlsrpt.TlsReportStore}), and the daily aggregate reports
 * built from them and sent to the {@code rua} endpoints that each domain publishes in its
 * {@code _smtp._tls} TXT record ({@link org.sealrelay.gateway.tlsrpt.TlsReportService}).
 *
 * <p>The records hold domain names, host names and IP addresses only, never message content or
 * mail addresses.
 */
package org.sealrelay.gateway.tlsrpt;

package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP listener.
 *
 * @param name label for logs and policy facts, such as {@code smtp}
 * @param address address and port to bind; port 0 binds a free port (tests)
 * @param tlsMode STARTTLS offered, TLS from the first byte (RFC 8314), or no TLS
 * @param requireTls whether MAIL FROM is refused with 530 5.7.0 until the session uses TLS
 * @param proxyProtocol whether each connection starts with a HAProxy PROXY header (v1 or v2)
 *     that names the real client; only for listeners behind a load balancer
 * @param relayNetworks clients allowed to relay without authenticating; everyone else gets
 *     554 5.7.1 at RCPT unless authenticated
 * @param acceptedDomains recipient domains (and their subdomains) this gateway accepts mail
 *     for from any client, as the inbound gateway of those domains; mail to other domains
 *     needs relay access
 * @param credentialsFile SMTP AUTH users and password hashes; null offers no AUTH
 * @param clientCertificates TLS client certificates that grant relay access; null requests none
 * @param tenant header that must name an allowed tenant before mail relayed by network or
 *     certificate is accepted; null checks none
 * @param processedHeader header field added to every accepted message, such as
 *     {@code X-SealRelay-Processed: yes}, so connector rules of the sending tenant can skip
 *     mail the gateway hands back; null adds none
 * @param maxMessageSize largest accepted message in octets, advertised with SIZE
 * @param maxRecipients recipients per message before 452 4.5.3
 * @param maxConnections connections open at once on this listener before 421 4.7.0
 * @param maxConnectionsPerClient connections open at once from one client address
 * @param maxErrors error replies in one session before 421 4.7.0 and close
 * @param maxHops Received headers a message may carry before it is taken for a loop (554 5.4.6)
 * @param commandTimeout idle time allowed between commands (RFC 5321 section 4.5.3.2.7: at
 *     least 5 minutes)
 * @param dataTimeout idle time allowed between data packets (RFC 5321 section 4.5.3.2.5: at
 *     least 3 minutes)
 */
public record ListenerConfig(
        String name,
        HostAndPort address,
        TlsMode tlsMode,
        boolean requireTls,
        boolean proxyProtocol,
        List<Cidr> relayNetworks,
        List<String> acceptedDomains,
        Path credentialsFile,
        ClientCertificates clientCertificates,
        TenantBinding tenant,
        String processedHeader,
        long maxMessageSize,
        int maxRecipients,
        int maxConnections,
        int maxConnectionsPerClient,
        int maxErrors,
        int maxHops,
        Duration commandTimeout,
        Duration dataTimeout) {

    /** TLS mode of a listener. */
    public enum TlsMode {
        /** Plain text first; STARTTLS (RFC 3207) is offered. */
        STARTTLS,
        /** TLS from the first byte, as on port 465 (RFC 8314 section 3). */
        IMPLICIT,
        /** No TLS at all; for loopback-only listeners. */
        NONE
    }

    /**
     * Client certificates that grant relay access.
     *
     * @param trustFile PEM CA certificates that issue acceptable client certificates
     * @param allowedNames subject CN or DNS subject alternative names that grant relay access;
     *     {@code *.example.com} matches exactly one label in front of example.com
     */
    public record ClientCertificates(Path trustFile, List<String> allowedNames) {
        public ClientCertificates {
            Objects.requireNonNull(trustFile, "trustFile");
            allowedNames = List.copyOf(allowedNames);
            if (allowedNames.isEmpty()) {
                throw new IllegalArgumentException("client-certificates needs at least one allowed name");
            }
        }
    }

    /**
     * Binds relay access to a sending tenant. Microsoft 365 and Google Workspace send from
     * address ranges and with certificates shared by every customer, so a network or certificate
     * match alone would let any tenant relay; the tenant header (for Microsoft 365,
     * X-MS-Exchange-CrossTenant-Id) must also name one of the configured tenants.
     *
     * @param header header field name, matched case-insensitively
     * @param allowedValues tenant ids, matched case-insensitively
     */
    public record TenantBinding(String header, List<String> allowedValues) {
        public TenantBinding {
            Objects.requireNonNull(header, "header");
            allowedValues = List.copyOf(allowedValues);
            if (header.isBlank() || allowedValues.isEmpty()) {
                throw new IllegalArgumentException("tenant binding needs a header name and at least one tenant id");
            }
        }
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tlsMode, "tlsMode");
        if (requireTls && tlsMode == TlsMode.NONE) {
            throw new IllegalArgumentException("require-tls needs tls-mode starttls or implicit");
        }
        relayNetworks = List.copyOf(relayNetworks);
        acceptedDomains = acceptedDomains.stream().map(domain -> domain.toLowerCase(java.util.Locale.ROOT)).toList();
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException("max-message-size " + maxMessageSize + " is below 1024 octets");
        }
        requireAtLeast("max-recipients", maxRecipients, 1);
        requireAtLeast("max-connections", maxConnections, 1);
        requireAtLeast("max-connections-per-client", maxConnectionsPerClient, 1);
        requireAtLeast("max-errors", maxErrors, 1);
        requireAtLeast("max-hops", maxHops, 1);
        if (processedHeader != null && !processedHeader.matches("[!-9;-~]+: ?[ -~]*")) {
            throw new IllegalArgumentException("processed-header '" + processedHeader
                    + "' is not a header field: expected Name: value in printable ASCII");
        }
    }

    /** Whether mail to this domain is accepted from any client. */
    public boolean acceptsDomain(String domain) {
        String lower = domain.toLowerCase(java.util.Locale.ROOT);
        for (String accepted : acceptedDomains) {
            if (lower.equals(accepted) || lower.endsWith("." + accepted)) {
                return true;
            }
        }
        return false;
    }

    private static void requireAtLeast(String setting, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(setting + " must be at least " + minimum + ", got " + value);
        }
    }
}

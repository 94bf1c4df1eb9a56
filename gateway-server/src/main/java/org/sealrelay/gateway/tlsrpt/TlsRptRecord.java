package org.sealrelay.gateway.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses the TXT record at {@code _smtp._tls.<domain>} (RFC 8460 section 3), such as
 * {@code v=TLSRPTv1; rua=mailto:reports@example.com,https://reports.example.com/v1}.
 *
 * <ul>
 *   <li>Only TXT records that start with {@code v=TLSRPTv1} followed by {@code ;} count, and
 *       unless exactly one does, the domain has no reporting policy (section 3).
 *   <li>Fields are separated by {@code ;} with optional white space; fields other than
 *       {@code v} and {@code rua} are extensions and are ignored.
 *   <li>Each {@code rua} URI that is neither a valid {@code mailto:} address nor an
 *       {@code https:} URI with a host is skipped and logged; the others still count.
 * </ul>
 */
public final class TlsRptRecord {
    private static final Logger log = LoggerFactory.getLogger(TlsRptRecord.class);

    private static final String VERSION = "v=TLSRPTv1";
    private static final Pattern MAILBOX = Pattern.compile("[^@\\s<>\"(),;:\\\\\\[\\]]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private TlsRptRecord() {
    }

    /**
     * Returns the report endpoints that the TXT records of {@code domain} name; empty when the
     * domain has no valid reporting policy or no usable endpoint.
     *
     * @param txtRecords each TXT record's strings already joined
     */
    public static List<ReportEndpoint> endpoints(String domain, List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String text : txtRecords) {
            if (text.startsWith(VERSION) && text.substring(VERSION.length()).strip().startsWith(";")) {
                candidates.add(text);
            }
        }
        if (candidates.size() != 1) {
            if (candidates.size() > 1) {
                log.warn("domain={} publishes {} TLSRPT records at _smtp._tls.{}; RFC 8460 section 3 requires"
                        + " exactly one, so no report is sent", domain, candidates.size(), domain);
            }
            return List.of();
        }
        List<ReportEndpoint> endpoints = new ArrayList<>();
        boolean ruaSeen = false;
        for (String field : candidates.get(0).substring(VERSION.length()).split(";")) {
            String trimmed = field.strip();
            if (!trimmed.startsWith("rua=")) {
                continue;
            }
            ruaSeen = true;
            for (String uriText : trimmed.substring(4).split(",")) {
                parseUri(domain, uriText.strip(), endpoints);
            }
        }
        if (!ruaSeen) {
            log.warn("domain={} TLSRPT record has no rua field, so no report is sent", domain);
        }
        return endpoints;
    }

    private static void parseUri(String domain, String text, List<ReportEndpoint> endpoints) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            ignored(domain, text, "not a valid URI");
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "mailto" -> {
                String part = uri.getSchemeSpecificPart();
                int query = part.indexOf('?');
                String mailbox = query < 0 ? part : part.substring(0, query);
                if (!MAILBOX.matcher(mailbox).matches()) {
                    ignored(domain, text, "expected one mail address after mailto:");
                    return;
                }
                endpoints.add(new ReportEndpoint(ReportEndpoint.Kind.MAILTO, uri, mailbox));
            }
            case "https" -> {
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    ignored(domain, text, "expected a host after https://");
                    return;
                }
                endpoints.add(new ReportEndpoint(ReportEndpoint.Kind.HTTPS, uri, ""));
            }
            default -> ignored(domain, text, "expected a mailto: or https: URI");
        }
    }

    private static void ignored(String domain, String text, String problem) {
        log.warn("domain={} TLSRPT rua URI '{}' is ignored: {}", domain, Redact.text(text), problem);
    }
}

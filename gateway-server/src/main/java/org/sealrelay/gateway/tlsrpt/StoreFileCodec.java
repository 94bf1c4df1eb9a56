package org.sealrelay.gateway.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes the tallies of one day as the JSON of one store file. The layout is this store's own,
 * not the RFC 8460 report format: it keeps the failure details apart per policy so that counts
 * from several flushes add up.
 *
 * <pre>
 * {"version": 1, "day": "2026-12-04", "domains": [{"domain": "example.com", "policies": [
 *   {"type": "sts", "strings": [...], "mx": [...], "successes": 3,
 *    "failures": [{"result": "validation-failure", "sending-mta-ip": "...",
 *                  "receiving-mx-hostname": "...", "receiving-ip": "...", "count": 1}]}]}]}
 * </pre>
 */
final class StoreFileCodec {
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreFileCodec() {
    }

    static byte[] encode(LocalDate day, List<DomainTally> domains) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("day", day.toString());
        ArrayNode domainArray = root.putArray("domains");
        for (DomainTally domain : domains) {
            ObjectNode domainNode = domainArray.addObject();
            domainNode.put("domain", domain.domain());
            ArrayNode policyArray = domainNode.putArray("policies");
            for (PolicyTally tally : domain.policies()) {
                ObjectNode policyNode = policyArray.addObject();
                policyNode.put("type", tally.policy().type().reportName());
                tally.policy().policyStrings().forEach(policyNode.putArray("strings")::add);
                tally.policy().mxHosts().forEach(policyNode.putArray("mx")::add);
                policyNode.put("successes", tally.successes());
                ArrayNode failureArray = policyNode.putArray("failures");
                for (Map.Entry<FailureDetail, Long> failure : tally.failures().entrySet()) {
                    ObjectNode failureNode = failureArray.addObject();
                    FailureDetail detail = failure.getKey();
                    failureNode.put("result", detail.resultType().reportName());
                    failureNode.put("sending-mta-ip", detail.sendingMtaIp());
                    failureNode.put("receiving-mx-hostname", detail.receivingMxHostname());
                    failureNode.put("receiving-ip", detail.receivingIp());
                    failureNode.put("count", failure.getValue());
                }
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * Decodes a store file.
     *
     * @throws IOException if the file is not valid JSON of this layout, naming the first problem
     */
    static List<DomainTally> decode(byte[] octets, String source) throws IOException {
        JsonNode root = JSON.readTree(octets);
        if (root == null || !root.isObject()) {
            throw new IOException(source + ": expected a JSON object");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new IOException(source + ": expected version " + VERSION + "; got " + root.path("version"));
        }
        LocalDate day;
        try {
            day = LocalDate.parse(root.path("day").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException(source + ": invalid day '" + root.path("day").asText() + "'", e);
        }
        List<DomainTally> domains = new ArrayList<>();
        try {
            for (JsonNode domainNode : root.path("domains")) {
                String domain = domainNode.path("domain").asText();
                List<PolicyTally> policies = new ArrayList<>();
                for (JsonNode policyNode : domainNode.path("policies")) {
                    ReportPolicy policy = new ReportPolicy(PolicyType.fromReportName(policyNode.path("type").asText()),
                            domain, texts(policyNode.path("strings")), texts(policyNode.path("mx")));
                    Map<FailureDetail, Long> failures = new LinkedHashMap<>();
                    for (JsonNode failureNode : policyNode.path("failures")) {
                        FailureDetail detail = new FailureDetail(
                                ResultType.fromReportName(failureNode.path("result").asText()),
                                failureNode.path("sending-mta-ip").asText(),
                                failureNode.path("receiving-mx-hostname").asText(),
                                failureNode.path("receiving-ip").asText());
                        failures.merge(detail, failureNode.path("count").asLong(), Long::sum);
                    }
                    policies.add(new PolicyTally(policy, policyNode.path("successes").asLong(), failures));
                }
                domains.add(new DomainTally(day, domain, policies));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        return domains;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array) {
            values.add(item.asText());
        }
        return values;
    }
}

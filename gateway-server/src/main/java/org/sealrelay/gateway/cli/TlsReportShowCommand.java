package org.sealrelay.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.tlsrpt.DomainTally;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.PolicyTally;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealrelay tls-report show}: the counts of one UTC day per policy domain, read from the
 * store files under the spool. It changes nothing, so it is safe beside a running gateway, but
 * the gateway writes its counts once a minute, so the last minute may be missing.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show the TLS session counts of one UTC day per policy domain, as the next reports will carry them.",
            "Reads <spool>/tlsrpt/ directly; a running gateway writes it once a minute, so the last minute may be missing.",
            "Exit codes: 0 done, 64 invalid option, 74 the store cannot be read, 78 invalid configuration."})
final class TlsReportShowCommand implements Callable<Integer> {
    static final int EXIT_USAGE = 64;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file naming spool.directory (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "UTC day to show (default: today).")
    String day;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return RunCommand.EXIT_CONFIG;
        }
        TlsReportStore store;
        try {
            store = TlsReportStore.readOnly(config.spool().directory(), Clock.systemUTC());
        } catch (IOException e) {
            spec.commandLine().getErr().println("sealrelay: cannot read the TLS report store: " + e.getMessage());
            return RunCommand.EXIT_IO;
        }
        LocalDate reportDay;
        try {
            reportDay = day == null ? store.today() : LocalDate.parse(day);
        } catch (java.time.format.DateTimeParseException e) {
            spec.commandLine().getErr().println("sealrelay: invalid --day '" + day + "': expected YYYY-MM-DD");
            return EXIT_USAGE;
        }
        List<DomainTally> domains = store.domains(reportDay);
        if (json) {
            spec.commandLine().getOut().println(toJson(reportDay, domains));
        } else {
            printTable(reportDay, domains);
        }
        return 0;
    }

    private void printTable(LocalDate reportDay, List<DomainTally> domains) {
        var out = spec.commandLine().getOut();
        String format = "%-40s  %-15s  %10s  %10s%n";
        out.printf(format, "POLICY DOMAIN", "POLICY TYPE", "SUCCESSFUL", "FAILED");
        for (DomainTally domain : domains) {
            for (PolicyTally tally : domain.policies()) {
                out.printf(format, domain.domain(), tally.policy().type().reportName(), tally.successes(),
                        tally.totalFailures());
                for (Map.Entry<FailureDetail, Long> failure : tally.failures().entrySet()) {
                    FailureDetail detail = failure.getKey();
                    out.printf("    %-28s  mx=%s ip=%s  %d%n", detail.resultType().reportName(),
                            orDash(detail.receivingMxHostname()), orDash(detail.receivingIp()), failure.getValue());
                }
            }
        }
        out.printf("-- %d policy domain(s) on %s (UTC)%n", domains.size(), reportDay);
    }

    private static String toJson(LocalDate reportDay, List<DomainTally> domains) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("day", reportDay.toString());
        ArrayNode domainArray = root.putArray("domains");
        for (DomainTally domain : domains) {
            ObjectNode domainNode = domainArray.addObject();
            domainNode.put("policy-domain", domain.domain());
            ArrayNode policies = domainNode.putArray("policies");
            for (PolicyTally tally : domain.policies()) {
                ObjectNode policyNode = policies.addObject();
                policyNode.put("policy-type", tally.policy().type().reportName());
                tally.policy().policyStrings().forEach(policyNode.putArray("policy-string")::add);
                tally.policy().mxHosts().forEach(policyNode.putArray("mx-host")::add);
                policyNode.put("total-successful-session-count", tally.successes());
                policyNode.put("total-failure-session-count", tally.totalFailures());
                ArrayNode details = policyNode.putArray("failure-details");
                tally.failures().forEach((detail, count) -> {
                    ObjectNode detailNode = details.addObject();
                    detailNode.put("result-type", detail.resultType().reportName());
                    detailNode.put("sending-mta-ip", detail.sendingMtaIp());
                    detailNode.put("receiving-mx-hostname", detail.receivingMxHostname());
                    detailNode.put("receiving-ip", detail.receivingIp());
                    detailNode.put("failed-session-count", count);
                });
            }
        }
        return root.toPrettyString();
    }

    private static String orDash(String value) {
        return value.isEmpty() ? "-" : value;
    }
}

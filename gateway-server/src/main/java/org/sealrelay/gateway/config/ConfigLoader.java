package org.sealrelay.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.TlsLevel;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads {@code sealrelay.yaml}. Every setting has a default, so an empty file gives a working
 * gateway on 127.0.0.1:2525. Unknown keys are errors, because a misspelt security setting
 * that is silently ignored is worse than a gateway that does not start.
 *
 * <p>Relative paths resolve against the working directory of the process.
 */
public final class ConfigLoader {
    static final String DEFAULT_HOSTNAME = "sealrelay.localdomain";
    static final String DEFAULT_LISTEN = "127.0.0.1:2525";
    /** Postfix's message_size_limit default is 10 MB; Exchange Online accepts up to 150 MB. 35 MiB suits both sides. */
    static final long DEFAULT_MAX_MESSAGE_SIZE = 35L << 20;
    /** RFC 5321 section 4.5.3.1.8: servers must accept at least 100 recipients. */
    static final int DEFAULT_MAX_RECIPIENTS = 100;
    /** Postfix's default process limit is 100 smtpd processes; an event loop carries far more. */
    static final int DEFAULT_MAX_CONNECTIONS = 1000;
    /** Postfix's smtpd_client_connection_count_limit default is 50. */
    static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 50;
    static final int DEFAULT_MAX_ERRORS = 20;
    /** RFC 5321 section 6.3: servers that count Received fields should reject only at 100 or more. */
    static final int DEFAULT_MAX_HOPS = 100;
    /** Shorter audit rotation periods would make thousands of files a day. */
    static final Duration MIN_AUDIT_ROTATE_INTERVAL = Duration.ofMinutes(1);
    /** Smaller audit files would rotate every few group commits, and each rotation costs three fsyncs. */
    static final long MIN_AUDIT_ROTATE_SIZE = 1 << 20;
    static final Duration DEFAULT_INBOUND_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_INBOUND_DATA_TIMEOUT = Duration.ofMinutes(3);
    static final Duration DEFAULT_INITIAL_RETRY = Duration.ofMinutes(5);
    static final Duration DEFAULT_MAX_RETRY = Duration.ofHours(1);
    static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(5);
    static final int DEFAULT_CONCURRENT_DELIVERIES = 20;
    static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1:2526";
    static final String DEFAULT_ADMIN_TOKEN_FILE = "var/admin.token";
    /** Characters of text per MIME part that rules and detectors see; see ExtractionLimits. */
    static final int DEFAULT_MAX_TEXT_PER_PART = 512 * 1024;
    /** Characters of text per message that rules and detectors see, about 4 MiB of heap. */
    static final int DEFAULT_MAX_TEXT_TOTAL = 2 * 1024 * 1024;
    /** PDF, Office and TNEF attachments are read whole into memory up to this size; see ExtractionLimits. */
    static final int DEFAULT_MAX_DOCUMENT_SIZE = 10 << 20;
    static final int MAX_DOCUMENT_SIZE = 1 << 30;

    private ConfigLoader() {
    }

    /**
     * Reads and validates a configuration file.
     *
     * @throws ConfigException naming the file, position, setting and problem
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": configuration file not found; pass --config with the path of sealrelay.yaml");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the configuration file: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** Parses configuration text; {@code source} names it in error messages. */
    public static GatewayConfig parse(String source, String text) throws ConfigException {
        Optional<Node> root;
        try (Reader reader = new java.io.StringReader(text)) {
            LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .map(mark -> source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ")
                    .orElse(source + ": ");
            throw new ConfigException(where + "invalid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException | IOException e) {
            throw new ConfigException(source + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root.isEmpty()) {
            return parseRoot(source, null);
        }
        return parseRoot(source, root.get());
    }

    private static GatewayConfig parseRoot(String source, Node rootNode) throws ConfigException {
        ConfigNode root = rootNode == null ? null : new ConfigNode(source, "", rootNode);
        if (rootNode != null && !(rootNode instanceof org.snakeyaml.engine.v2.nodes.MappingNode)) {
            throw new ConfigException(source + ": expected a mapping of settings at the top level");
        }
        String hostname = root == null ? DEFAULT_HOSTNAME : root.string("hostname", DEFAULT_HOSTNAME);
        List<ListenerConfig> listeners = root == null ? List.of() : parseListeners(root);
        if (listeners.isEmpty()) {
            listeners = List.of(defaultListener());
        }
        TlsConfig tls = parseTls(root == null ? null : root.child("tls"));
        SpoolConfig spool = parseSpool(root == null ? null : root.child("spool"));
        ConfigNode deliveryNode = root == null ? null : root.child("delivery");
        ConfigNode tlsReportingNode = deliveryNode == null ? null : deliveryNode.child("tls-reporting");
        DeliveryConfig delivery = parseDelivery(deliveryNode, hostname);
        QueueConfig queue = parseQueue(root == null ? null : root.child("queue"));
        AdminConfig admin = parseAdmin(root == null ? null : root.child("admin"));
        PolicyConfig policy = parsePolicy(root == null ? null : root.child("policy"));
        EncryptionConfig encryption = EncryptionConfigParser.parse(root == null ? null : root.child("encryption"),
                java.time.Instant.now());
        AuditConfig audit = parseAudit(root == null ? null : root.child("audit"), spool);
        KeysConfig keys = KeysConfigSection.parse(root == null ? null : root.child("keys"));
        String postmaster = root == null ? "postmaster@" + hostname : root.string("postmaster", "postmaster@" + hostname);
        if (!postmaster.matches("[^@\\s<>]+@[A-Za-z0-9.-]+")) {
            if (root == null) {
                throw new ConfigException(source + ": hostname '" + hostname + "' does not make a valid postmaster address");
            }
            throw root.invalid("postmaster", "invalid address '" + postmaster + "': expected local-part@domain");
        }
        TlsReportingConfig tlsReporting = TlsReportingConfigParser.parse(tlsReportingNode, hostname, postmaster);
        DkimConfig dkim = DkimConfigSection.parse(root == null ? null : root.child("dkim"));
        if (root != null) {
            root.rejectUnknownKeys();
        }
        return new GatewayConfig(hostname, postmaster, listeners, tls, spool, delivery, queue, admin, policy,
                tlsReporting, encryption, audit, keys, dkim);
    }

    private static AuditConfig parseAudit(ConfigNode node, SpoolConfig spool) throws ConfigException {
        AuditConfig defaults = AuditConfig.besideSpool(spool);
        if (node == null) {
            return defaults;
        }
        Path file = Path.of(node.string("file", defaults.file().toString()));
        Path keyFile = Path.of(node.string("key-file", defaults.keyFile().toString()));
        long rotateSize = node.size("rotate-size", 0);
        if (rotateSize != 0 && rotateSize < MIN_AUDIT_ROTATE_SIZE) {
            throw node.invalid("rotate-size", "invalid value '" + node.string("rotate-size", "")
                    + "': expected 0 (off) or at least 1MiB, such as 100MiB");
        }
        // A bare 0 is accepted here, unlike other durations, because it reads as "off" like rotate-size: 0.
        Duration rotateInterval = "0".equals(node.string("rotate-interval", null)) ? Duration.ZERO
                : node.duration("rotate-interval", Duration.ZERO);
        if (!rotateInterval.isZero() && rotateInterval.compareTo(MIN_AUDIT_ROTATE_INTERVAL) < 0) {
            throw node.invalid("rotate-interval", "invalid value '" + node.string("rotate-interval", "")
                    + "': expected 0 (off) or at least 1m, such as 1d");
        }
        if (!rotateInterval.isZero() && Duration.ofDays(1).toMillis() % rotateInterval.toMillis() != 0
                && rotateInterval.toMillis() % Duration.ofDays(1).toMillis() != 0) {
            throw node.invalid("rotate-interval", "invalid value '" + node.string("rotate-interval", "")
                    + "': expected a period that divides a day or is whole days, such as 1h, 6h, 1d or 7d,"
                    + " so that files start at the same times each day");
        }
        int keepRotated = keepRotated(node);
        if (keepRotated > 0 && rotateSize == 0 && rotateInterval.isZero()) {
            throw node.invalid("keep-rotated", "is set, but rotation is off: set rotate-size or rotate-interval,"
                    + " or remove keep-rotated");
        }
        node.rejectUnknownKeys();
        return new AuditConfig(file, keyFile, rotateSize, rotateInterval, keepRotated);
    }

    /** Parses {@code audit.keep-rotated}: {@code all} (0) or a count of at least 1. */
    private static int keepRotated(ConfigNode node) throws ConfigException {
        String text = node.string("keep-rotated", "all");
        if (text.equals("all")) {
            return 0;
        }
        if (text.matches("\\d{1,6}") && Integer.parseInt(text) >= 1) {
            return Integer.parseInt(text);
        }
        throw node.invalid("keep-rotated", "invalid value '" + text + "': expected all, or a number of rotated"
                + " files from 1 to 999999 (removing files also removes the lines they hold)");
    }

    static ListenerConfig defaultListener() {
        return new ListenerConfig("smtp", HostAndPort.parse(DEFAULT_LISTEN, 25), ListenerConfig.TlsMode.STARTTLS,
                false, false, List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), List.of(), null, null, null, null,
                DEFAULT_MAX_MESSAGE_SIZE,
                DEFAULT_MAX_RECIPIENTS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                DEFAULT_MAX_ERRORS, DEFAULT_MAX_HOPS, DEFAULT_INBOUND_COMMAND_TIMEOUT, DEFAULT_INBOUND_DATA_TIMEOUT);
    }

    private static List<ListenerConfig> parseListeners(ConfigNode root) throws ConfigException {
        List<ListenerConfig> listeners = new ArrayList<>();
        for (ConfigNode node : root.childList("listeners")) {
            String name = node.string("name", "smtp" + (listeners.isEmpty() ? "" : listeners.size() + 1));
            HostAndPort address = hostAndPort(node, "address", DEFAULT_LISTEN);
            List<Cidr> relayNetworks = new ArrayList<>();
            for (String network : node.strings("relay-networks", List.of("127.0.0.0/8", "::1/128"))) {
                try {
                    relayNetworks.add(Cidr.parse(network));
                } catch (IllegalArgumentException e) {
                    throw node.invalid("relay-networks", e.getMessage());
                }
            }
            ListenerConfig.TlsMode tlsMode = tlsMode(node);
            boolean requireTls = node.bool("require-tls", false);
            boolean proxyProtocol = node.bool("proxy-protocol", false);
            List<String> acceptedDomains = node.strings("accepted-domains", List.of());
            for (String domain : acceptedDomains) {
                if (!domain.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")) {
                    throw node.invalid("accepted-domains", "invalid domain '" + domain + "': expected a name such as hospital.example");
                }
            }
            String credentials = node.string("credentials-file", null);
            ListenerConfig.ClientCertificates clientCertificates = clientCertificates(node.child("client-certificates"));
            ListenerConfig.TenantBinding tenant = tenant(node.child("tenant"));
            String processedHeader = node.string("processed-header", null);
            long maxSize = node.size("max-message-size", DEFAULT_MAX_MESSAGE_SIZE);
            int maxRecipients = node.integer("max-recipients", DEFAULT_MAX_RECIPIENTS, 1, 100_000);
            int maxConnections = node.integer("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            int maxPerClient = node.integer("max-connections-per-client", DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 1,
                    1_000_000);
            int maxErrors = node.integer("max-errors", DEFAULT_MAX_ERRORS, 1, 10_000);
            int maxHops = node.integer("max-hops", DEFAULT_MAX_HOPS, 1, 1_000);
            Duration commandTimeout = node.duration("command-timeout", DEFAULT_INBOUND_COMMAND_TIMEOUT);
            Duration dataTimeout = node.duration("data-timeout", DEFAULT_INBOUND_DATA_TIMEOUT);
            node.rejectUnknownKeys();
            try {
                listeners.add(new ListenerConfig(name, address, tlsMode, requireTls, proxyProtocol, relayNetworks, acceptedDomains,
                        credentials == null ? null : Path.of(credentials), clientCertificates, tenant, processedHeader,
                        maxSize, maxRecipients, maxConnections,
                        maxPerClient, maxErrors, maxHops, commandTimeout, dataTimeout));
            } catch (IllegalArgumentException e) {
                String setting = e.getMessage().startsWith("processed-header") ? "processed-header"
                        : e.getMessage().startsWith("require-tls") ? "require-tls" : "max-message-size";
                throw node.invalid(setting, e.getMessage());
            }
        }
        return listeners;
    }

    private static ListenerConfig.ClientCertificates clientCertificates(ConfigNode node) throws ConfigException {
        if (node == null) {
            return null;
        }
        String trustFile = node.string("trust-file", null);
        List<String> names = node.strings("allowed-names", List.of());
        node.rejectUnknownKeys();
        if (trustFile == null) {
            throw node.invalid("trust-file", "missing: name the PEM file of CAs that issue client certificates");
        }
        if (names.isEmpty()) {
            throw node.invalid("allowed-names", "missing: list the certificate names that may relay");
        }
        return new ListenerConfig.ClientCertificates(Path.of(trustFile), names);
    }

    private static ListenerConfig.TenantBinding tenant(ConfigNode node) throws ConfigException {
        if (node == null) {
            return null;
        }
        String header = node.string("header", "X-MS-Exchange-CrossTenant-Id");
        List<String> ids = node.strings("allowed-ids", List.of());
        node.rejectUnknownKeys();
        if (ids.isEmpty()) {
            throw node.invalid("allowed-ids", "missing: list the tenant ids allowed to relay");
        }
        return new ListenerConfig.TenantBinding(header, ids);
    }

    private static ListenerConfig.TlsMode tlsMode(ConfigNode node) throws ConfigException {
        String text = node.string("tls-mode", "starttls");
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "starttls" -> ListenerConfig.TlsMode.STARTTLS;
            case "implicit" -> ListenerConfig.TlsMode.IMPLICIT;
            case "none" -> ListenerConfig.TlsMode.NONE;
            default -> throw node.invalid("tls-mode", "invalid value '" + text + "': expected starttls, implicit or none");
        };
    }

    private static TlsConfig parseTls(ConfigNode node) throws ConfigException {
        if (node == null) {
            return new TlsConfig(Path.of("var/tls/server.crt"), Path.of("var/tls/server.key"));
        }
        TlsConfig tls = new TlsConfig(Path.of(node.string("certificate", "var/tls/server.crt")),
                Path.of(node.string("private-key", "var/tls/server.key")));
        node.rejectUnknownKeys();
        return tls;
    }

    private static SpoolConfig parseSpool(ConfigNode node) throws ConfigException {
        if (node == null) {
            return new SpoolConfig(Path.of("var/spool"), Path.of("var/spool.keys"));
        }
        SpoolConfig spool = new SpoolConfig(Path.of(node.string("directory", "var/spool")),
                Path.of(node.string("key-file", "var/spool.keys")));
        node.rejectUnknownKeys();
        return spool;
    }

    private static DeliveryConfig parseDelivery(ConfigNode node, String hostname) throws ConfigException {
        if (node == null) {
            return DeliveryConfig.builder(hostname).build();
        }
        String heloName = node.string("helo-name", hostname);
        HostAndPort smartHost = hostAndPort(node, "smart-host", null);
        TlsLevel defaultLevel = tlsLevel(node, "default-tls-level", node.string("default-tls-level", "encrypt"));
        Map<String, TlsLevel> levels = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : node.stringMap("tls-levels").entrySet()) {
            levels.put(entry.getKey(), tlsLevel(node, "tls-levels", entry.getValue()));
        }
        String trustFile = node.string("trust-file", null);

        List<HostAndPort> dnsServers = new ArrayList<>();
        for (String server : node.strings("dns-servers", List.of())) {
            try {
                dnsServers.add(HostAndPort.parse(server, 53));
            } catch (IllegalArgumentException e) {
                throw node.invalid("dns-servers", e.getMessage());
            }
        }

        Map<String, Transport> transports = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : node.stringMap("transports").entrySet()) {
            try {
                transports.put(domainKey(entry.getKey()), Transport.parse(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw node.invalid("transports", "domain " + entry.getKey() + ": " + e.getMessage());
            }
        }

        String trustAnchor = node.string("dnssec-trust-anchor", null);
        TlsLevel fallbackLevel = tlsLevel(node, "fallback-tls-level", node.string("fallback-tls-level", "encrypt"));
        if (fallbackLevel == TlsLevel.DANE || fallbackLevel == TlsLevel.MTA_STS) {
            throw node.invalid("fallback-tls-level", "invalid value '" + fallbackLevel
                    + "': expected none, may, encrypt or verify, because it applies where DANE and MTA-STS do not");
        }

        Set<String> daneExempt = new LinkedHashSet<>();
        for (String domain : node.strings("dane-exempt", List.of())) {
            daneExempt.add(domainKey(domain));
        }

        Set<String> daneRequired = new LinkedHashSet<>();
        DomainTlsPolicy levelsByDomain = new DomainTlsPolicy(defaultLevel, levels);
        for (String domain : node.strings("dane-required", List.of())) {
            String key = domainKey(domain);
            TlsLevel level = levelsByDomain.levelFor(key);
            if (level != TlsLevel.DANE) {
                throw node.invalid("dane-required", "domain " + key + " has TLS level " + level.configName()
                        + ", but DANE is required only at level dane; set delivery.tls-levels." + key + " to dane");
            }
            daneRequired.add(key);
        }

        Duration idleTime = node.duration("connection-idle-time", ConnectionReuseConfig.DEFAULT_IDLE_TIME);
        if (idleTime.compareTo(ConnectionReuseConfig.MAX_IDLE_TIME) > 0) {
            throw node.invalid("connection-idle-time", "invalid value " + idleTime.toSeconds() + " s: expected 0 to "
                    + ConnectionReuseConfig.MAX_IDLE_TIME.toSeconds() + " s; 0 turns connection reuse off");
        }
        ConnectionReuseConfig reuse = new ConnectionReuseConfig(idleTime,
                node.integer("connection-max-messages", ConnectionReuseConfig.DEFAULT_MAX_MESSAGES, 1, 100_000));

        DeliveryConfig delivery = DeliveryConfig.builder(heloName)
                .smartHost(smartHost)
                .defaultTlsLevel(defaultLevel)
                .tlsLevels(levels)
                .trustFile(trustFile == null ? null : Path.of(trustFile))
                .connectTimeout(node.duration("connect-timeout", DeliveryConfig.DEFAULT_CONNECT_TIMEOUT))
                .commandTimeout(node.duration("command-timeout", DeliveryConfig.DEFAULT_COMMAND_TIMEOUT))
                .dataTimeout(node.duration("data-timeout", DeliveryConfig.DEFAULT_DATA_TIMEOUT))
                .dnsServers(dnsServers)
                .transports(transports)
                .dnssecTrustAnchor(trustAnchor == null ? null : Path.of(trustAnchor))
                .daneExempt(daneExempt)
                .mtaSts(node.bool("mta-sts", true))
                .fallbackTlsLevel(fallbackLevel)
                .connectionReuse(reuse)
                .daneRequired(daneRequired)
                .build();
        node.rejectUnknownKeys();
        return delivery;
    }

    private static QueueConfig parseQueue(ConfigNode node) throws ConfigException {
        if (node == null) {
            return new QueueConfig(DEFAULT_INITIAL_RETRY, DEFAULT_MAX_RETRY, DEFAULT_MAX_LIFETIME,
                    DEFAULT_CONCURRENT_DELIVERIES);
        }
        QueueConfig queue;
        try {
            queue = new QueueConfig(node.duration("initial-retry-delay", DEFAULT_INITIAL_RETRY),
                    node.duration("max-retry-delay", DEFAULT_MAX_RETRY),
                    node.duration("max-lifetime", DEFAULT_MAX_LIFETIME),
                    node.integer("max-concurrent-deliveries", DEFAULT_CONCURRENT_DELIVERIES, 1, 10_000),
                    node.duration("delay-warning-time", Duration.ZERO),
                    node.integer("max-concurrent-per-destination", QueueConfig.DEFAULT_CONCURRENT_PER_DESTINATION, 1,
                            10_000),
                    node.size("dsn-max-returned-size", QueueConfig.DEFAULT_DSN_MAX_RETURNED_SIZE),
                    destinationRates(node));
        } catch (IllegalArgumentException e) {
            throw node.invalid("max-retry-delay", e.getMessage());
        }
        node.rejectUnknownKeys();
        return queue;
    }

    private static AdminConfig parseAdmin(ConfigNode node) throws ConfigException {
        if (node == null) {
            return new AdminConfig(HostAndPort.parse(DEFAULT_ADMIN_ADDRESS, 2526), Path.of(DEFAULT_ADMIN_TOKEN_FILE));
        }
        HostAndPort address;
        try {
            address = HostAndPort.parse(node.string("address", DEFAULT_ADMIN_ADDRESS), 2526);
        } catch (IllegalArgumentException e) {
            throw node.invalid("address", e.getMessage());
        }
        Path tokenFile = Path.of(node.string("token-file", DEFAULT_ADMIN_TOKEN_FILE));
        node.rejectUnknownKeys();
        try {
            return new AdminConfig(address, tokenFile);
        } catch (IllegalArgumentException e) {
            throw node.invalid("address", e.getMessage());
        }
    }

    private static PolicyConfig parsePolicy(ConfigNode node) throws ConfigException {
        if (node == null) {
            return new PolicyConfig(Optional.empty(), DEFAULT_MAX_TEXT_PER_PART, DEFAULT_MAX_TEXT_TOTAL,
                    DEFAULT_MAX_DOCUMENT_SIZE);
        }
        String file = node.string("file", null);
        int perPart = node.integer("max-text-per-part", DEFAULT_MAX_TEXT_PER_PART, 1, Integer.MAX_VALUE);
        int total = node.integer("max-text-total", DEFAULT_MAX_TEXT_TOTAL, 1, Integer.MAX_VALUE);
        long documentSize = node.size("max-document-size", DEFAULT_MAX_DOCUMENT_SIZE);
        if (documentSize > MAX_DOCUMENT_SIZE) {
            throw node.invalid("max-document-size", "invalid size " + documentSize + ": expected at most "
                    + MAX_DOCUMENT_SIZE + " octets (1 GiB)");
        }
        PolicyConfig policy;
        try {
            policy = new PolicyConfig(Optional.ofNullable(file).map(Path::of), perPart, total, (int) documentSize);
        } catch (IllegalArgumentException e) {
            throw node.invalid("max-text-total", e.getMessage());
        }
        node.rejectUnknownKeys();
        return policy;
    }

    private static HostAndPort hostAndPort(ConfigNode node, String key, String fallback) throws ConfigException {
        String text = node.string(key, fallback);
        if (text == null) {
            return null;
        }
        try {
            return HostAndPort.parse(text, 25);
        } catch (IllegalArgumentException e) {
            throw node.invalid(key, e.getMessage());
        }
    }

    /** Returns a domain as table keys store it: lower case, without a trailing dot. */
    private static DestinationRateLimits destinationRates(ConfigNode node) throws ConfigException {
        Duration defaultInterval;
        try {
            defaultInterval = DestinationRateLimits.parseRate(node.string("destination-rate", "0"));
        } catch (IllegalArgumentException e) {
            throw node.invalid("destination-rate", e.getMessage());
        }
        Map<String, Duration> intervals = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : node.stringMap("destination-rates").entrySet()) {
            try {
                intervals.put(domainKey(entry.getKey()), DestinationRateLimits.parseRate(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw node.invalid("destination-rates", "domain " + entry.getKey() + ": " + e.getMessage());
            }
        }
        return new DestinationRateLimits(defaultInterval, intervals);
    }

    private static String domainKey(String domain) {
        String key = domain.trim().toLowerCase(Locale.ROOT);
        return key.endsWith(".") ? key.substring(0, key.length() - 1) : key;
    }

    private static TlsLevel tlsLevel(ConfigNode node, String key, String text) throws ConfigException {
        try {
            return TlsLevel.fromConfigName(text);
        } catch (IllegalArgumentException e) {
            throw node.invalid(key, e.getMessage());
        }
    }
}

package org.sealrelay.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealrelay.gateway.admin.AdminServer;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditLog;
import org.sealrelay.gateway.audit.AuditRotation;
import org.sealrelay.gateway.audit.AuditTrail;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealrelay.gateway.config.DkimConfig;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.crypto.keys.discovery.DiscoverySetup;
import org.sealrelay.gateway.crypto.keys.discovery.KeyDiscovery;
import org.sealrelay.gateway.crypto.keys.discovery.KeyHarvester;
import org.sealrelay.gateway.config.KeysConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.SmtpDeliveryAgent;
import org.sealrelay.gateway.encryption.EncryptingDeliveryAgent;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.DkimService;
import org.sealrelay.gateway.dkim.DkimSigning;
import org.sealrelay.gateway.dkim.DkimSigningDeliveryAgent;
import org.sealrelay.gateway.dsn.DsnWriter;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.smtp.auth.Authenticator;
import org.sealrelay.gateway.smtp.auth.CredentialsFile;
import org.sealrelay.gateway.smtp.inbound.SmtpServer;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.submission.CachedRecipientCapabilities;
import org.sealrelay.gateway.submission.CommittedMessageListener;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.gateway.submission.SubmissionService;
import org.sealrelay.gateway.tls.ServerTls;
import org.sealrelay.gateway.tlsrpt.TlsReportService;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.sealrelay.gateway.transport.Transports;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.rules.PolicyFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway, wired in one place: spool, delivery agent, queue manager, policy,
 * submission path and listeners. Starts in dependency order and stops in reverse, so that no
 * listener accepts mail before the queue can take it and the spool closes last.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final List<SmtpServer> servers = new ArrayList<>();
    private final List<Authenticator> authenticators = new ArrayList<>();
    private Spool spool;
    private DeliveryAgent deliveryAgent;
    private SmtpDeliveryAgent smtpAgent;
    private QueueManager queueManager;
    private AdminServer adminServer;
    private ExecutorService inspectionExecutor;
    private PolicyFile policyFile;
    private TlsReportService tlsReports;
    private AuditLog auditLog;
    private KeyDirectory keyDirectory;
    private KeyDiscovery keyDiscovery;
    private KeyHarvester keyHarvester;

    private Gateway(GatewayConfig config) {
        this.config = config;
        this.bossGroup = Transports.newEventLoopGroup(1, "smtp-accept");
        this.workerGroup = Transports.newEventLoopGroup(0, "smtp-io");
    }

    /**
     * Starts every component and binds the listeners.
     *
     * @throws IOException if the spool, keys or TLS files cannot be opened, or a listener cannot bind
     */
    public static Gateway start(GatewayConfig config) throws IOException, InterruptedException {
        Gateway gateway = new Gateway(config);
        try {
            gateway.startComponents();
            return gateway;
        } catch (IOException | InterruptedException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void startComponents() throws IOException, InterruptedException {
        Clock clock = Clock.systemDefaultZone();
        SslContext serverTls = ServerTls.loadOrCreate(config.tls().certificate(), config.tls().privateKey(),
                config.hostname());
        spool = FileSpool.open(config.spool());
        smtpAgent = new SmtpDeliveryAgent(config.delivery(), workerGroup);
        DkimSigning dkim = dkimSigning(clock);
        DeliveryAgent relay = smtpAgent;
        if (!config.dkim().signRelayed().isEmpty()) {
            relay = new DkimSigningDeliveryAgent(smtpAgent, dkim, config.dkim().signRelayed());
            log.info("DKIM signing of relayed mail on for From domains {}", config.dkim().signRelayed());
        }
        // Assigned first so that close() stops the SMTP agent if the key directory fails to open.
        deliveryAgent = relay;
        deliveryAgent = EncryptingDeliveryAgent.create(relay, openKeys(clock), config.encryption(), clock);
        DomainTlsPolicy notificationTls = new DomainTlsPolicy(config.delivery().defaultTlsLevel(),
                config.delivery().tlsLevels());
        DsnWriter dsnWriter = new DsnWriter(spool, notificationTls, config.hostname(), clock,
                config.queue().dsnMaxReturnedSize(), dkim);
        queueManager = new QueueManager(spool, deliveryAgent, dsnWriter, config.queue(), clock,
                config.encryption().relayTlsLevel());
        queueManager.recover(spool.recover());
        startTlsReporting(dkim);

        Policy policy = createPolicy();
        inspectionExecutor = newInspectionExecutor();
        ContentExtractor extractor = new ContentExtractor(new ExtractionLimits(config.policy().maxTextPerPart(),
                config.policy().maxTextTotal(), ExtractionLimits.DEFAULT_MAX_HEADER_FIELDS,
                config.policy().maxDocumentSize()));
        AuditKey auditKey = AuditKey.loadOrCreate(config.audit().keyFile());
        auditLog = AuditLog.open(config.audit().file(), auditKey, new AuditRotation(config.audit().rotateSize(),
                config.audit().rotateInterval(), config.audit().keepRotated()), Clock.systemUTC());
        // NOTE: no key directory is wired into the gateway yet, so recipient-has-pgp-key and
        // recipient-has-smime-certificate are false for every recipient until one is.
        SubmissionService submission = new SubmissionService(policy, extractor, queueManager, clock,
                inspectionExecutor, new CachedRecipientCapabilities(smtpAgent.capabilities(), keyDirectory::lookup),
                new AuditTrail(auditLog, auditKey), harvestListener());
        for (ListenerConfig listener : config.listeners()) {
            Authenticator authenticator = null;
            if (listener.credentialsFile() != null) {
                authenticator = new Authenticator(CredentialsFile.load(listener.credentialsFile()));
                authenticators.add(authenticator);
            }
            SslContext listenerTls = serverTls;
            if (listener.clientCertificates() != null) {
                listenerTls = ServerTls.withClientCertificates(config.tls().certificate(), config.tls().privateKey(),
                        listener.clientCertificates().trustFile());
            }
            SmtpServer server = new SmtpServer(listener, config.hostname(), config.postmaster(), listenerTls, authenticator, spool,
                    submission, clock, bossGroup, workerGroup);
            try {
                server.start();
            } catch (io.netty.channel.ChannelException e) {
                throw new IOException("cannot bind listener " + listener.name() + " to " + listener.address()
                        + ": " + e.getMessage(), e);
            }
            servers.add(server);
        }
        adminServer = AdminServer.start(config.admin(), queueManager, spool, clock, bossGroup, workerGroup, auditLog);
        log.info("SealRelay started: {} listener(s), {} message(s) queued", servers.size(), queueManager.size());
    }

    // Counts go to the durable store only with reporting on, so that a gateway that never sends
    // reports keeps no record of its destinations on disk.
    private void startTlsReporting(DkimSigning dkim) throws IOException {
        if (!config.tlsReporting().enabled()) {
            return;
        }
        Clock utc = Clock.systemUTC();
        TlsReportStore store = TlsReportStore.open(config.spool().directory(), utc);
        smtpAgent.recordTlsSessionsIn(store);
        tlsReports = TlsReportService.create(config, store, spool, queueManager, dkim, utc);
        tlsReports.start();
    }

    private DkimSigning dkimSigning(Clock clock) {
        DkimConfig dkim = config.dkim();
        if (dkim.keys().isEmpty()) {
            log.info("DKIM signing off: no dkim.keys configured");
            return DkimSigning.NONE;
        }
        for (DkimKey key : dkim.keys()) {
            log.info("DKIM key {} ({}, service {}) loaded", key.recordName(), key.algorithm().signatureName(),
                    key.service().configName());
        }
        DkimSigning signing = new DkimSigning(dkim.keys(), dkim.headerCanonicalization(),
                dkim.bodyCanonicalization(), dkim.signatureLifetime(), clock);
        if (signing.signerFor(config.hostname(), DkimService.EMAIL).isEmpty()) {
            log.info("no dkim.keys entry covers the host name {}, so delivery status notifications are unsigned",
                    config.hostname());
        }
        return signing;
    }

    /**
     * Opens the recipient key directory that the pgp and smime steps and the policy read, and its
     * discovery. Returns the lookup for the encrypting steps: with WKD or DNS discovery on, a
     * lookup that may first ask the network (its results are cached), else the pinned keys only.
     */
    private Function<String, RecipientKeys> openKeys(Clock clock) throws IOException {
        KeysConfig keys = config.keys();
        try {
            keyDirectory = KeyDirectory.open(keys.directory(), clock);
        } catch (KeyDirectoryException e) {
            throw new IOException("keys.directory: " + e.getMessage(), e);
        }
        keyDiscovery = DiscoverySetup.create(keys, config.delivery(), keyDirectory);
        log.info("key directory {} opened: wkd={} dns={} harvest={}", keys.directory(), keys.wkd(), keys.dns(),
                keys.harvest());
        if (!keys.wkd() && !keys.dns()) {
            return keyDirectory::lookup;
        }
        Duration bound = keys.wkdTimeout().plusSeconds(5);
        return address -> discoverWithin(address, bound);
    }

    /**
     * Runs discovery for one address and waits at most {@code bound}; on timeout the pinned keys
     * decide. NOTE: this blocks the queue thread that prepares the encrypted copy while discovery
     * runs for an address without a cached result.
     */
    private RecipientKeys discoverWithin(String address, Duration bound) {
        try {
            return keyDiscovery.lookup(address).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return keyDirectory.lookup(address);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("key discovery for {} did not finish within {} s; using the pinned keys: {}",
                    Redact.address(address), bound.toSeconds(), e.toString());
            return keyDirectory.lookup(address);
        }
    }

    /** Returns the hook that hands committed messages to the key harvester, when harvesting is on. */
    private CommittedMessageListener harvestListener() {
        if (!config.keys().harvest()) {
            return CommittedMessageListener.NONE;
        }
        keyHarvester = new KeyHarvester(keyDiscovery, config.keys().harvestMaxMessageSize());
        Spool store = spool;
        return envelope -> keyHarvester.offer(envelope.id().toString(), envelope.sizeOctets(),
                () -> store.openContent(envelope.id()));
    }

    /** Returns the discovery of the recipient key directory, empty before the start. */
    public Optional<KeyDiscovery> keyDiscovery() {
        return Optional.ofNullable(keyDiscovery);
    }

    // Without a rules file every recipient is relayed at the TLS level of its domain.
    private Policy createPolicy() throws IOException {
        if (config.policy().file().isEmpty()) {
            return new DomainTlsPolicy(config.delivery().defaultTlsLevel(), config.delivery().tlsLevels());
        }
        try {
            policyFile = PolicyFile.load(config.policy().file().get());
        } catch (PolicyFileException e) {
            throw new IOException(e.getMessage(), e);
        }
        log.info("policy loaded from {}: {} rule(s)", config.policy().file().get(), policyFile.rules().ruleCount());
        return policyFile;
    }

    // Read-back, MIME parsing and detectors block on disk and CPU, so they stay off the event loops.
    private static ExecutorService newInspectionExecutor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "policy-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Reads the rules file again. On failure the previous rules stay in force.
     *
     * @return the number of rules now in force
     * @throws PolicyFileException if the file is invalid
     * @throws IllegalStateException if the gateway runs without {@code policy.file}
     */
    public int reloadPolicy() throws PolicyFileException {
        if (policyFile == null) {
            throw new IllegalStateException("no policy.file is configured, so there is nothing to reload");
        }
        return policyFile.reload().ruleCount();
    }

    /** Returns the bound listener addresses in configuration order. */
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (SmtpServer server : servers) {
            addresses.add(server.localAddress());
        }
        return addresses;
    }

    /** Returns the bound address of the admin endpoint. */
    public InetSocketAddress adminAddress() {
        return adminServer.localAddress();
    }

    /** Returns the TLS report service, or empty when {@code delivery.tls-reporting.enabled} is off. */
    public Optional<TlsReportService> tlsReports() {
        return Optional.ofNullable(tlsReports);
    }

    /** Returns the queue manager, for flushing and inspection. */
    public QueueManager queueManager() {
        return queueManager;
    }

    /** Stops listeners, then the queue manager and delivery, then the spool. Safe to call twice. */
    @Override
    public synchronized void close() {
        for (SmtpServer server : servers) {
            server.close();
        }
        servers.clear();
        authenticators.forEach(Authenticator::close);
        authenticators.clear();
        if (adminServer != null) {
            adminServer.close();
            adminServer = null;
        }
        if (inspectionExecutor != null) {
            // Let inspections in flight reach the queue manager before it closes.
            inspectionExecutor.shutdown();
            try {
                if (!inspectionExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("policy inspections still running after 5 s; their clients get no 250");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inspectionExecutor = null;
        }
        if (tlsReports != null) {
            tlsReports.close();
            tlsReports = null;
        }
        if (keyHarvester != null) {
            keyHarvester.close();
            keyHarvester = null;
        }
        if (keyDiscovery != null) {
            keyDiscovery.close();
            keyDiscovery = null;
        }
        if (queueManager != null) {
            queueManager.close();
            queueManager = null;
        }
        if (auditLog != null) {
            auditLog.close();
            auditLog = null;
        }
        if (deliveryAgent != null) {
            deliveryAgent.close();
            deliveryAgent = null;
        }
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                log.error("closing the spool failed: {}", e.toString());
            }
            spool = null;
        }
        log.info("SealRelay stopped");
    }
}

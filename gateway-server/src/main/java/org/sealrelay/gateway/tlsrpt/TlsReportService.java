package org.sealrelay.gateway.tlsrpt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.TlsReportingConfig;
import org.sealrelay.gateway.delivery.HttpsTrust;
import org.sealrelay.gateway.dkim.DkimService;
import org.sealrelay.gateway.dkim.DkimSigner;
import org.sealrelay.gateway.dkim.DkimSigning;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Sends the daily RFC 8460 aggregate reports and flushes the {@link TlsReportStore}.
 *
 * <p>Once a day, at the configured UTC time plus a random jitter, each earlier UTC day's counts
 * are reported per policy domain: the {@code _smtp._tls} TXT record names the endpoints, one
 * JSON report is built and gzipped, and it is posted to every https endpoint and queued as mail
 * for every mailto endpoint. The domain's counts for that day are then removed and flushed,
 * whether or not an endpoint accepted the report, so each day is reported once. A crash between
 * sending and that flush sends the report again after the restart. Only a failed TXT lookup
 * keeps the counts, for up to {@link #MAX_PENDING_DAYS} days.
 *
 * <p>One thread does all the work, so runs and flushes never overlap.
 */
public final class TlsReportService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsReportService.class);

    /** How often counts are written to disk; a crash loses at most about this much. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMinutes(1);
    /** Days a domain's counts wait for a TXT lookup that keeps failing before they are dropped. */
    public static final int MAX_PENDING_DAYS = 3;
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter REPORT_DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final TlsReportingConfig config;
    private final TlsReportStore store;
    private final DnssecResolver dns;
    private final HttpsReportSender https;
    private final MailReportSubmitter mail;
    private final Clock clock;
    private final ReportScheduler scheduler;
    private final SecureRandom random = new SecureRandom();
    private ScheduledExecutorService executor;

    public TlsReportService(TlsReportingConfig config, TlsReportStore store, DnssecResolver dns,
            HttpsReportSender https, MailReportSubmitter mail, Clock clock) {
        this.config = config;
        this.store = store;
        this.dns = dns;
        this.https = https;
        this.mail = mail;
        this.clock = clock;
        this.scheduler = new ReportScheduler(config.sendTime(), config.sendJitter(), random);
    }

    /**
     * Builds the service for a gateway: DNS through {@code delivery.dns-servers} (or the system
     * resolvers) with the configured DNSSEC trust anchor, HTTPS with the delivery trust file, and
     * mail through {@code spool} and {@code queue}, signed with the {@code dkim} key for the
     * From domain.
     *
     * @throws IllegalArgumentException if a DNS server, the trust file or the trust anchor is invalid
     */
    public static TlsReportService create(GatewayConfig gateway, TlsReportStore store, Spool spool, QueueManager queue,
            DkimSigning dkim, Clock clock) {
        String fromDomain = DkimSigning.domainOf(gateway.tlsReporting().fromAddress());
        Optional<DkimSigner> signer = dkim.signerFor(fromDomain, DkimService.TLSRPT);
        if (signer.isEmpty()) {
            log.warn("no dkim.keys entry covers {}, the domain of delivery.tls-reporting.from-address, so TLS reports"
                    + " sent by mail are unsigned and receivers may discard them (RFC 8460)", fromDomain);
        } else {
            log.info("TLS reports sent by mail are signed with DKIM key {}", signer.get().key().recordName());
        }
        DnssecResolver dns = DnssecResolver.create(resolverFor(gateway.delivery().dnsServers()),
                gateway.delivery().dnssecTrustAnchor());
        HttpsReportSender https = new HttpsReportSender(HttpsTrust.pkixContext(gateway.delivery().trustFile()),
                HttpsReportSender.DEFAULT_TIMEOUT, HttpsReportSender.DEFAULT_RETRY_DELAYS);
        return new TlsReportService(gateway.tlsReporting(), store, dns, https,
                new MailReportSubmitter(spool, queue, gateway.hostname(), signer), clock);
    }

    private static Resolver resolverFor(List<HostAndPort> servers) {
        if (servers.isEmpty()) {
            return new ExtendedResolver();
        }
        List<Resolver> resolvers = new ArrayList<>();
        for (HostAndPort server : servers) {
            InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("invalid DNS server '" + server + "': host not found; use an IP address");
            }
            resolvers.add(new SimpleResolver(address));
        }
        return new ExtendedResolver(resolvers);
    }

    /** Starts the periodic flush and schedules the first daily run. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tls-reports");
            thread.setDaemon(true);
            return thread;
        });
        long flushMillis = FLUSH_INTERVAL.toMillis();
        executor.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        scheduleNextRun();
    }

    private synchronized void scheduleNextRun() {
        if (executor == null || executor.isShutdown()) {
            return;
        }
        Instant now = clock.instant();
        Instant next = scheduler.nextRun(now);
        log.info("next TLS report run at {}", next);
        executor.schedule(() -> {
            try {
                sendDue();
            } catch (RuntimeException e) {
                log.error("TLS report run failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            scheduleNextRun();
        }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reports every UTC day before today that has counts, and removes what was handled. Blocks
     * on DNS, HTTPS and the spool.
     *
     * @throws InterruptedException if the thread is interrupted; the domain being reported keeps its counts
     */
    public ReportRun sendDue() throws InterruptedException {
        LocalDate today = store.today();
        int reported = 0;
        int withoutPolicy = 0;
        int failed = 0;
        int postponed = 0;
        for (LocalDate day : store.days()) {
            if (!day.isBefore(today)) {
                continue;
            }
            for (DomainTally tally : store.domains(day)) {
                switch (report(tally, today)) {
                    case REPORTED -> reported++;
                    case NO_POLICY -> withoutPolicy++;
                    case FAILED -> failed++;
                    case POSTPONED -> postponed++;
                }
                flushQuietly();
            }
        }
        ReportRun run = new ReportRun(reported, withoutPolicy, failed, postponed);
        log.info("TLS report run done: {} reported, {} without TLSRPT policy, {} failed, {} postponed", reported,
                withoutPolicy, failed, postponed);
        return run;
    }

    private enum Outcome { REPORTED, NO_POLICY, FAILED, POSTPONED }

    private Outcome report(DomainTally tally, LocalDate today) throws InterruptedException {
        String domain = tally.domain();
        Optional<List<ReportEndpoint>> lookup = endpoints(domain);
        if (lookup.isEmpty()) {
            if (tally.day().plusDays(MAX_PENDING_DAYS).isBefore(today)) {
                log.warn("domain={} TLSRPT lookup kept failing for {} days, so the counts of {} are dropped unsent",
                        domain, MAX_PENDING_DAYS, tally.day());
                store.remove(tally.day(), domain);
                return Outcome.FAILED;
            }
            return Outcome.POSTPONED;
        }
        List<ReportEndpoint> endpoints = lookup.get();
        if (endpoints.isEmpty()) {
            log.info("domain={} has no usable TLSRPT record, so the counts of {} are dropped unsent", domain,
                    tally.day());
            store.remove(tally.day(), domain);
            return Outcome.NO_POLICY;
        }

        String reportId = REPORT_DAY.format(tally.day()) + "." + HexFormat.of().formatHex(randomOctets()) + "@"
                + config.submitter();
        byte[] gzip = AggregateReport.gzip(
                AggregateReport.json(tally, config.organizationName(), config.contactInfo(), reportId));
        boolean accepted = false;
        for (ReportEndpoint endpoint : endpoints) {
            accepted |= send(endpoint, tally, reportId, gzip);
        }
        store.remove(tally.day(), domain);
        if (accepted) {
            log.info("domain={} TLS report {} for {} sent: {} successful, {} failed sessions", domain, reportId,
                    tally.day(), tally.totalSuccesses(), tally.totalFailures());
            return Outcome.REPORTED;
        }
        log.warn("domain={} TLS report {} for {} was accepted by none of its {} endpoint(s), giving up", domain,
                reportId, tally.day(), endpoints.size());
        return Outcome.FAILED;
    }

    private boolean send(ReportEndpoint endpoint, DomainTally tally, String reportId, byte[] gzip)
            throws InterruptedException {
        if (endpoint.kind() == ReportEndpoint.Kind.HTTPS) {
            return https.post(endpoint.uri(), tally.domain(), gzip);
        }
        byte[] message = ReportMessage.compose(config.fromAddress(), endpoint.mailbox(), config.submitter(), tally,
                reportId, gzip, clock.instant());
        try {
            var envelope = mail.submit(endpoint.mailbox(), message, clock.instant());
            log.info("queueId={} domain={} TLS report {} queued as mail", envelope.id(), tally.domain(), reportId);
            return true;
        } catch (IOException e) {
            log.warn("domain={} TLS report {} could not be queued as mail: {}", tally.domain(), reportId,
                    e.getMessage());
            return false;
        }
    }

    /** Returns the endpoints of {@code domain}'s TLSRPT record, or empty when the lookup failed. */
    private Optional<List<ReportEndpoint>> endpoints(String domain) throws InterruptedException {
        String name = "_smtp._tls." + domain;
        DnssecResolver.Answer answer;
        try {
            answer = dns.lookup(name, Type.TXT).get(DNS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("domain={} TXT lookup of {} failed, so its report waits for the next run: {}", domain, name,
                    e.toString());
            return Optional.empty();
        }
        boolean definitive = answer.usable()
                && (answer.rcode() == Rcode.NOERROR || answer.rcode() == Rcode.NXDOMAIN);
        if (!definitive) {
            log.warn("domain={} TXT lookup of {} failed ({}, {}), so its report waits for the next run", domain, name,
                    Rcode.string(answer.rcode()), answer.reason().isEmpty() ? answer.security() : answer.reason());
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>();
        for (Record record : answer.records()) {
            if (record instanceof TXTRecord txt) {
                texts.add(String.join("", txt.getStrings()));
            }
        }
        return Optional.of(TlsRptRecord.endpoints(domain, texts));
    }

    private byte[] randomOctets() {
        byte[] octets = new byte[8];
        random.nextBytes(octets);
        return octets;
    }

    private void flushQuietly() {
        try {
            store.flush();
        } catch (IOException | RuntimeException e) {
            log.error("writing the TLS report store failed; the counts stay in memory and the next flush retries: {}",
                    e.toString());
        }
    }

    /** Stops the schedule and writes the counts to disk. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
            executor = null;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("TLS report thread still running after 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushQuietly();
    }
}

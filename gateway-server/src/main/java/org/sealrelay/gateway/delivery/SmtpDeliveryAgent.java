package org.sealrelay.gateway.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.HostLookupException;
import org.sealrelay.gateway.dns.MxResolver;
import org.sealrelay.gateway.transport.Transports;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.policy.TlsLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages over SMTP along the route of the recipient domain's transport (a fixed host,
 * the smart host, or MX hosts), with STARTTLS at the request's TLS level as DANE and MTA-STS
 * resolve it for each host.
 *
 * <p>An attempt tries the hosts of the route in order, and each address of a host in turn, until
 * a session gets as far as MAIL FROM or {@link #MAX_CONNECTIONS} connections have been made.
 * Connection failures, non-2xx greetings, EHLO failures and TLS failures move on to the next
 * address. Once MAIL FROM is sent, the session's outcome is final for this attempt.
 *
 * <p>NOTE: at {@code verify} the certificate must name the MX host, and that name comes from DNS
 * without DNSSEC validation, so an attacker who can forge MX answers can pick the name checked.
 * The {@code dane} level and MTA-STS enforce mode close that gap.
 *
 * <p>TLS levels: {@code none} never sends STARTTLS. {@code may} uses STARTTLS when offered and
 * sends in clear otherwise, but a failed handshake defers the recipients (or moves on to the next
 * address) and is never retried in clear. {@code encrypt} and {@code verify} defer with a 4.7.5
 * reason when TLS cannot be had, so the message is never sent in clear at those levels.
 * {@code dane} works as {@link DanePlanner} describes. A published MTA-STS policy tightens
 * {@code may}, {@code encrypt} and {@code verify} for routes to the domain's own MX hosts: enforce
 * mode requires a matching MX host and a validated certificate, testing mode only logs.
 *
 * <p>With connection reuse on ({@code delivery.connection-idle-time} above zero), a session that
 * delivered its message waits in a {@link ConnectionCache} for the next message to the same
 * host at the same TLS requirement. An attempt looks there first, once its route and the host's
 * TLS requirement are decided, so every DANE and MTA-STS check still runs for each message. A
 * cached connection that fails before the reply to the final dot gets one retry on a new
 * connection. A reused session is counted once for TLS reports and capabilities, when it opened.
 *
 * <p>After each session, {@link #capabilities} records what the destination showed, and
 * {@link TlsReportCounters} counts the session for RFC 8460 reports.
 *
 * <p>Addresses of MX hosts are looked up with dnsjava through the configured DNS servers. The
 * smart host is looked up with the JDK resolver on a small thread pool, so that {@code /etc/hosts}
 * and IP literals work as operators expect.
 */
public final class SmtpDeliveryAgent implements DeliveryAgent {
    private static final Logger log = LoggerFactory.getLogger(SmtpDeliveryAgent.class);

    /** Connections per attempt across all hosts; Postfix's smtp_mx_address_limit defaults to 5 too. */
    static final int MAX_CONNECTIONS = 5;

    private final DeliveryConfig config;
    private final DeliveryEnvironment environment;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final NextHopSelector selector;
    private final MxResolver mxResolver;
    private final TlsClientContexts tlsContexts;
    private final DanePlanner danePlanner;
    private final MtaStsPolicies mtaStsPolicies;
    private final CapabilityCache capabilities = new CapabilityCache();
    private final TlsReportCounters tlsReports = new TlsReportCounters();
    private static final long QUIT_WAIT_MILLIS = 2_000;
    private final ConnectionCache connectionCache;
    /** Every open outbound connection; a closed channel leaves the group by itself. */
    private final ChannelGroup openChannels = new DefaultChannelGroup("smtp-client", GlobalEventExecutor.INSTANCE);
    private final ExecutorService smartHostLookups;

    /**
     * Creates an agent with its own NIO event loop group, which {@link #close} shuts down.
     *
     * @throws IllegalArgumentException when the trust file, the DNSSEC trust anchor file or a DNS server
     *     is invalid
     */
    public SmtpDeliveryAgent(DeliveryConfig config) {
        this(config, new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()), true);
    }

    /**
     * Creates an agent that runs its sessions on {@code group}, an epoll or NIO group from
     * {@link Transports#newEventLoopGroup}. {@link #close} leaves the group running.
     *
     * @throws IllegalArgumentException when the trust file, the DNSSEC trust anchor file or a DNS server
     *     is invalid
     */
    public SmtpDeliveryAgent(DeliveryConfig config, EventLoopGroup group) {
        this(config, group, false, DeliveryEnvironment.fromConfig(config));
    }

    private SmtpDeliveryAgent(DeliveryConfig config, EventLoopGroup group, boolean ownsGroup) {
        this(config, group, ownsGroup, DeliveryEnvironment.fromConfig(config));
    }

    /** Creates an agent with its own NIO event loop group on a replaced environment, for tests. */
    SmtpDeliveryAgent(DeliveryConfig config, DeliveryEnvironment environment) {
        this(config, new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()), true, environment);
    }

    private SmtpDeliveryAgent(
            DeliveryConfig config, EventLoopGroup group, boolean ownsGroup, DeliveryEnvironment environment) {
        this.config = config;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.environment = environment;
        this.connectionCache = new ConnectionCache(config.connectionReuse());
        this.tlsContexts = TlsClientContexts.create(config.trustFile());
        this.mxResolver = new MxResolver(environment.dnsResolver());
        DnssecResolver dnssec = DnssecResolver.create(environment.dnsResolver(), environment.dnssecTrustAnchor());
        this.danePlanner = new DanePlanner(dnssec, tlsContexts, tlsReports, config.daneRequired());
        this.mtaStsPolicies = new MtaStsPolicies(dnssec, new MtaStsFetcher(tlsContexts.pkixContext(),
                environment.mtaStsTimeout(), environment.mtaStsPolicyUris()), tlsReports);
        this.selector = new NextHopSelector(new TransportTable(config.transports(), config.smartHost()), mxResolver);
        this.smartHostLookups = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "sealrelay-smarthost-lookup");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
        if (request.method().encryptsContent() && !(request.content() instanceof EncryptedContentSource)) {
            return CompletableFuture.completedFuture(internalError(request, new IllegalArgumentException(
                    request.method() + " step reached SMTP relay without an encrypted copy; nothing was sent")));
        }
        try {
            return new Attempt(request).run().exceptionally(error -> internalError(request, error));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(request, e));
        }
    }

    private DeliveryOutcome internalError(DeliveryRequest request, Throwable error) {
        log.error("queueId={} delivery attempt failed with an internal error", request.queueId(), error);
        return DeliveryOutcome.all(
                request.recipients(), Result.DEFERRED, "4.3.0 internal error in the delivery agent: " + error, "");
    }

    /**
     * Stops the smart host lookup threads and, when the agent created it, the event loop group.
     *
     * <p>NOTE: attempts still running on an owned group may never complete their futures; the
     * queue manager should wait for them before closing the agent.
     */
    @Override
    public void close() {
        connectionCache.close();
        // Idle sessions end with QUIT and close when the 221 arrives. The rest, and any that do
        // not close in time, are closed here: a connection left open when the event loops stop
        // stays open, and its server waits for a close that never comes.
        openChannels.newCloseFuture().awaitUninterruptibly(QUIT_WAIT_MILLIS);
        openChannels.close().awaitUninterruptibly(QUIT_WAIT_MILLIS);
        mtaStsPolicies.close();
        smartHostLookups.shutdownNow();
        if (ownsGroup) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Returns the TLS session counts per policy domain, the basis of RFC 8460 reports. */
    TlsReportCounters tlsReports() {
        return tlsReports;
    }

    /** Sends the TLS session counts of later attempts to {@code store}, the gateway's durable one. */
    public void recordTlsSessionsIn(org.sealrelay.gateway.tlsrpt.TlsReportStore store) {
        tlsReports.redirectTo(store);
    }

    /** Returns the idle connections, for tests. */
    ConnectionCache connectionCache() {
        return connectionCache;
    }

    /** Returns what recent sessions showed about each destination domain. */
    public DestinationCapabilityLookup capabilities() {
        return capabilities;
    }

    /** The state of one {@link #deliver} call as it walks the route. */
    private final class Attempt {
        private final DeliveryRequest request;
        private final Map<String, RecipientOutcome> invalidRecipients = new LinkedHashMap<>();
        private final List<String> sendable = new ArrayList<>();
        private int connections;
        private SessionResult lastSession;
        private String lastNextHop = "";
        private Result lastFailure = Result.DEFERRED;
        private String lastFailureReason = "4.4.3 no next hop was tried";
        private final AttemptTls tls;

        Attempt(DeliveryRequest request) {
            this.request = request;
            this.tls = new AttemptTls(request, config, tlsContexts, tlsReports);
            for (String recipient : request.recipients()) {
                if (AddressSyntax.isValid(recipient)) {
                    sendable.add(recipient);
                } else {
                    invalidRecipients.put(recipient, new RecipientOutcome(Result.BOUNCED,
                            "5.1.3 invalid recipient address '" + SafeText.escape(recipient) + "'"));
                }
            }
        }

        CompletableFuture<DeliveryOutcome> run() {
            if (!AddressSyntax.isValid(request.reversePath())) {
                return done(DeliveryOutcome.all(request.recipients(), Result.BOUNCED,
                        "5.1.7 invalid sender address '" + SafeText.escape(request.reversePath()) + "'", ""));
            }
            if (sendable.isEmpty()) {
                return done(new DeliveryOutcome(invalidRecipients, "", null, null, false));
            }
            return selectRoute().thenCompose(route -> {
                if (route.isFailure()) {
                    log.info("queueId={} domain={} no next hop: {}", request.queueId(), request.domain(), Redact.text(route.failureReason()));
                    lastFailure = route.failure();
                    lastFailureReason = route.failureReason();
                    return done(finish());
                }
                return tryHost(route, 0);
            });
        }

        /**
         * Resolves the request's level into the requirement for hosts without DANE, with the
         * domain's MTA-STS policy where one applies, and picks the route: through the DNSSEC
         * validator at {@code dane}, the plain selector otherwise.
         */
        private CompletableFuture<Route> selectRoute() {
            TlsLevel requested = request.tlsLevel();
            if (requested == TlsLevel.DANE && DomainSets.covers(config.daneExempt(), request.domain())) {
                log.warn("queueId={} domain={} is exempt from DANE by delivery.dane-exempt; ignoring its TLSA records"
                        + " and using level {}", request.queueId(), request.domain(), config.fallbackTlsLevel());
                requested = config.fallbackTlsLevel();
            }
            TlsLevel level = requested;
            Transport transport = selector.transportFor(request.domain());
            return mtaStsPolicy(level, transport).thenCompose(policy -> {
                tls.resolve(level, policy.orElse(null));
                if (level == TlsLevel.DANE) {
                    return danePlanner.route(request, transport);
                }
                return selector.select(request.domain());
            });
        }

        /**
         * Looks up the MTA-STS policy when it can apply: the route goes to the domain's own MX
         * hosts, and the level is {@code mta-sts}, or MTA-STS is enabled and the level is one that
         * a policy can tighten.
         */
        private CompletableFuture<Optional<MtaStsPolicy>> mtaStsPolicy(TlsLevel level, Transport transport) {
            boolean tightenable = level != TlsLevel.NONE && config.mtaSts();
            if (transport.kind() != Transport.Kind.MX || !(level == TlsLevel.MTA_STS || tightenable)) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return mtaStsPolicies.policyFor(request.domain(), request.queueId());
        }

        private CompletableFuture<DeliveryOutcome> tryHost(Route route, int hostIndex) {
            if (hostIndex >= route.hosts().size() || connections >= MAX_CONNECTIONS) {
                return done(finish());
            }
            HostAndPort host = route.hosts().get(hostIndex);
            return planHost(route, host)
                    .handle((plan, error) -> {
                        if (error != null) {
                            onLookupFailure(route, host, error);
                            return tryHost(route, hostIndex + 1);
                        }
                        if (tls.rejectedByMtaSts(plan.tls(), host)) {
                            lastFailure = Result.DEFERRED;
                            lastFailureReason = tls.mtaStsMismatchReason(host);
                            log.warn("queueId={} host={} skipped: {}", request.queueId(), host, lastFailureReason);
                            return tryHost(route, hostIndex + 1);
                        }
                        if (plan.deferReason() != null) {
                            lastFailure = Result.DEFERRED;
                            lastFailureReason = plan.deferReason();
                            log.warn("queueId={} host={} skipped: {}", request.queueId(), host, plan.deferReason());
                            return tryHost(route, hostIndex + 1);
                        }
                        return tryCachedConnection(route, hostIndex, host, plan);
                    })
                    .thenCompose(next -> next);
        }

        /**
         * Sends the message on a cached connection to {@code host} when one meets the host's TLS
         * requirement, and on a new connection otherwise or when the cached one fails.
         */
        private CompletableFuture<DeliveryOutcome> tryCachedConnection(
                Route route, int hostIndex, HostAndPort host, HostPlan plan) {
            SmtpClientSession cached = connectionCache.enabled()
                    ? connectionCache.take(host.host(), portFor(route, host), plan.tls(), request)
                    : null;
            if (cached == null) {
                return tryAddress(route, hostIndex, host, plan, 0);
            }
            NextHop hop = cached.nextHop();
            return cached.carry(request, sendable).thenCompose(session -> {
                if (session.retryOnNewConnection()) {
                    log.info("queueId={} nextHop={} cached connection failed, sending on a new connection: {}",
                            request.queueId(), hop, Redact.reply(firstReply(session)));
                    return tryAddress(route, hostIndex, host, plan, 0);
                }
                lastSession = session;
                lastNextHop = hop.label();
                return done(finish());
            });
        }

        private CompletableFuture<HostPlan> planHost(Route route, HostAndPort host) {
            if (route.dane()) {
                return danePlanner.host(request, host, tls.nonDane());
            }
            return addressesOf(host.host(), route.viaSmartHost())
                    .thenApply(addresses -> HostPlan.ready(addresses, tls.nonDane()));
        }

        private void onLookupFailure(Route route, HostAndPort host, Throwable error) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            boolean permanent = cause instanceof HostLookupException lookup && lookup.permanent()
                    || cause instanceof UnknownHostException;
            // Only a domain without MX records and without addresses is known to be undeliverable.
            lastFailure = permanent && route.implicitMx() ? Result.BOUNCED : Result.DEFERRED;
            lastFailureReason = (lastFailure == Result.BOUNCED ? "5.1.2 " : "4.4.3 ") + cause.getMessage();
            log.warn("queueId={} host={} address lookup failed, trying the next host: {}",
                    request.queueId(), host, cause.getMessage());
        }

        private CompletableFuture<DeliveryOutcome> tryAddress(
                Route route, int hostIndex, HostAndPort host, HostPlan plan, int addressIndex) {
            List<InetAddress> addresses = plan.addresses();
            if (addressIndex >= addresses.size()) {
                return tryHost(route, hostIndex + 1);
            }
            if (connections >= MAX_CONNECTIONS) {
                return done(finish());
            }
            connections++;
            NextHop hop = NextHop.of(host.host(), addresses.get(addressIndex), portFor(route, host));
            return runSession(request, sendable, hop, plan.tls()).thenCompose(session -> {
                lastSession = session;
                lastNextHop = hop.label();
                recordCapabilities(session, hop, plan.tls(), route);
                if (!session.tryNextHost()) {
                    return done(finish());
                }
                log.info("queueId={} nextHop={} session ended before MAIL FROM, so another address may be tried: {}",
                        request.queueId(), hop, Redact.reply(firstReply(session)));
                return tryAddress(route, hostIndex, host, plan, addressIndex + 1);
            });
        }

        private void recordCapabilities(SessionResult session, NextHop hop, HopTls hopTls, Route route) {
            if (session.startTls() == SessionResult.StartTlsOffer.UNKNOWN) {
                return;
            }
            // RFC 8460 reports describe the recipient domain's own MX hosts, not a relay host of ours.
            if (!route.viaSmartHost() || route.dane()) {
                tls.countForTlsReport(session, hopTls, hop);
            }
            capabilities.record(new DestinationCapabilities(request.domain(), hop.label(),
                    session.startTls() == SessionResult.StartTlsOffer.OFFERED,
                    session.tlsProtocol() == null ? "" : session.tlsProtocol(),
                    session.tlsCipher() == null ? "" : session.tlsCipher(),
                    session.peerVerified(), hopTls.policy(), Instant.now()));
        }

        private DeliveryOutcome finish() {
            Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>(invalidRecipients);
            DeliveryOutcome outcome;
            if (lastSession != null) {
                outcomes.putAll(lastSession.byRecipient());
                outcome = new DeliveryOutcome(outcomes, lastNextHop, lastSession.tlsProtocol(),
                        lastSession.tlsCipher(), lastSession.peerVerified());
            } else {
                for (String recipient : sendable) {
                    outcomes.put(recipient, new RecipientOutcome(lastFailure, lastFailureReason));
                }
                outcome = new DeliveryOutcome(outcomes, lastNextHop, null, null, false);
            }
            return outcome;
        }
    }

    private int portFor(Route route, HostAndPort host) {
        return route.viaSmartHost() || environment.mxPortOverride() == 0 ? host.port() : environment.mxPortOverride();
    }

    private CompletableFuture<List<InetAddress>> addressesOf(String host, boolean viaSmartHost) {
        if (!viaSmartHost) {
            return mxResolver.resolveAddresses(host);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, smartHostLookups);
    }

    private CompletableFuture<SessionResult> runSession(
            DeliveryRequest request, List<String> recipients, NextHop hop, HopTls tls) {
        SmtpClientSession session = new SmtpClientSession(request, recipients, hop, config.heloName(),
                config.commandTimeout(), config.dataTimeout(), tls,
                connectionCache.enabled() ? connectionCache : null);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.channelClass(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        openChannels.add(channel);
                        channel.pipeline().addLast(new SmtpReplyDecoder(), new ChunkedWriteHandler(), session);
                    }
                });
        bootstrap.connect(hop.address()).addListener(connected -> {
            if (connected.isSuccess()) {
                return;
            }
            Throwable cause = connected.cause();
            String reason = cause instanceof ConnectTimeoutException
                    ? "4.4.2 timed out after " + config.connectTimeout().toMillis() + " ms connecting to " + hop
                    : "4.4.1 connect to " + hop + " failed: " + cause.getMessage();
            log.warn("queueId={} nextHop={} {}", request.queueId(), hop, Redact.text(reason));
            Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
            for (String recipient : recipients) {
                outcomes.put(recipient, new RecipientOutcome(Result.DEFERRED, reason));
            }
            session.result().complete(new SessionResult(
                    outcomes, true, null, null, false, SessionResult.StartTlsOffer.UNKNOWN));
        });
        return session.result();
    }

    private static String firstReply(SessionResult session) {
        return session.byRecipient().values().stream().findFirst().map(RecipientOutcome::reply).orElse("");
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}

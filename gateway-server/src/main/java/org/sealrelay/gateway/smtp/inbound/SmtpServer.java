package org.sealrelay.gateway.smtp.inbound;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.smtp.auth.Authenticator;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.submission.SubmissionService;
import org.sealrelay.gateway.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP listener: binds its address and runs an {@link SmtpServerHandler} per connection on
 * the shared event loops.
 */
public final class SmtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private final ListenerConfig config;
    private final InboundContext context;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup("smtp-connections", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    /**
     * @param hostname name in the greeting and Received header
     * @param postmaster address that the bare {@code <postmaster>} recipient is delivered to
     * @param sslContext server TLS context; required unless the listener's TLS mode is none
     * @param authenticator SMTP AUTH checker, or null to offer no AUTH
     */
    public SmtpServer(ListenerConfig config, String hostname, String postmaster, SslContext sslContext,
            Authenticator authenticator, Spool spool, SubmissionService submission, Clock clock,
            EventLoopGroup bossGroup, EventLoopGroup workerGroup) {
        this.config = config;
        this.context = new InboundContext(config, hostname, postmaster, sslContext, authenticator,
                new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerClient()), spool, submission,
                clock);
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
    }

    /**
     * Binds the listener address.
     *
     * @throws InterruptedException if interrupted while binding
     * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} subtype if the
     *     address cannot be bound, for example because it is in use
     */
    public void start() throws InterruptedException {
        long idleMillis = Math.min(config.commandTimeout().toMillis(), config.dataTimeout().toMillis());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(Transports.serverChannelClass(workerGroup))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        if (config.proxyProtocol()) {
                            // Removes itself after the header, so it must come before TLS.
                            pipeline.addLast("proxy", new HAProxyMessageDecoder());
                        }
                        if (context.implicitTls()) {
                            pipeline.addLast("tls", context.sslContext().newHandler(channel.alloc()));
                        }
                        pipeline.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("smtp", new SmtpServerHandler(context));
                    }
                });
        InetSocketAddress bindAddress = new InetSocketAddress(config.address().host(), config.address().port());
        serverChannel = bootstrap.bind(bindAddress).sync().channel();
        log.info("listener={} listening on {} (TLS {}, AUTH {}, PROXY protocol {})", config.name(), localAddress(),
                config.tlsMode().name().toLowerCase(java.util.Locale.ROOT), context.offersAuth() ? "offered" : "off",
                config.proxyProtocol() ? "required" : "off");
    }

    /** Returns the bound address; useful when the configured port is 0. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Stops accepting connections and closes open sessions with 421. A session whose message is
     * being committed is closed too: the commit still completes and the client, which saw no
     * 250, sends the message again, so the outcome is at worst a duplicate, never a loss.
     */
    @Override
    public void close() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        for (Channel channel : connections) {
            SmtpServerHandler handler = channel.pipeline().get(SmtpServerHandler.class);
            if (handler != null) {
                channel.eventLoop().execute(() -> handler.closeWith(channel.pipeline().context(handler), Replies.SHUTTING_DOWN));
            }
        }
        connections.newCloseFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        log.info("listener={} stopped", config.name());
    }
}

package org.sealrelay.gateway.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.AdminConfig;
import org.sealrelay.gateway.audit.AuditSink;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint: HTTP/1.1 on a loopback address, with a new bearer token written to the
 * token file at each start. Requests run one at a time on a thread of their own, so that admin
 * changes to the same message never interleave and spool I/O stays off the event loops.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Admin requests carry no body; this bounds what a client can make the server buffer. */
    private static final int MAX_REQUEST_OCTETS = 16 * 1024;
    private static final int READ_TIMEOUT_SECONDS = 30;

    private final Channel channel;
    private final ExecutorService executor;

    private AdminServer(Channel channel, ExecutorService executor) {
        this.channel = channel;
        this.executor = executor;
    }

    /**
     * Writes a new token to the token file and binds the endpoint.
     *
     * @throws IOException if the token file cannot be written or the address cannot be bound
     */
    public static AdminServer start(AdminConfig config, QueueManager queue, Spool spool, Clock clock,
            EventLoopGroup bossGroup, EventLoopGroup workerGroup) throws IOException, InterruptedException {
        return start(config, queue, spool, clock, bossGroup, workerGroup, AuditSink.NONE);
    }

    /**
     * Writes a new token to the token file and binds the endpoint; queue changes are recorded in
     * {@code audit}.
     *
     * @throws IOException if the token file cannot be written or the address cannot be bound
     */
    public static AdminServer start(AdminConfig config, QueueManager queue, Spool spool, Clock clock,
            EventLoopGroup bossGroup, EventLoopGroup workerGroup, AuditSink audit)
            throws IOException, InterruptedException {
        AdminToken token = AdminToken.createIn(config.tokenFile());
        AdminApi api = new AdminApi(queue, spool, clock, audit);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "admin");
            thread.setDaemon(true);
            return thread;
        });
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(Transports.serverChannelClass(workerGroup))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_OCTETS),
                                new AdminHttpHandler(token, api, executor));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(config.address().host(), config.address().port());
        Channel channel;
        try {
            channel = bootstrap.bind(address).sync().channel();
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw new IOException("cannot bind the admin endpoint to " + config.address() + ": " + e.getMessage(), e);
        }
        log.info("admin endpoint listening on {}, token in {}", channel.localAddress(), config.tokenFile());
        return new AdminServer(channel, executor);
    }

    /** Returns the bound address, which differs from the configured one when the port was 0. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting requests and waits up to 5 seconds for the one in progress. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("admin request still running after 5 s; stopping it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

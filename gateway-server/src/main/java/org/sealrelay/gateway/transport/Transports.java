package org.sealrelay.gateway.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses Netty's native epoll transport on Linux and falls back to NIO elsewhere. */
public final class Transports {
    private static final Logger log = LoggerFactory.getLogger(Transports.class);

    private Transports() {
    }

    /** Returns a new event loop group of the best available transport. */
    public static EventLoopGroup newEventLoopGroup(int threads, String name) {
        ThreadFactory factory = new io.netty.util.concurrent.DefaultThreadFactory(name, true);
        if (Epoll.isAvailable()) {
            return new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory());
        }
        log.debug("epoll unavailable ({}); using NIO", Epoll.unavailabilityCause().toString());
        return new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory());
    }

    /** Returns the server channel class that matches the group's transport. */
    public static Class<? extends ServerSocketChannel> serverChannelClass(EventLoopGroup group) {
        return usesEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Returns the client channel class that matches the group's transport. */
    public static Class<? extends SocketChannel> channelClass(EventLoopGroup group) {
        return usesEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private static boolean usesEpoll(EventLoopGroup group) {
        return group instanceof MultiThreadIoEventLoopGroup ioGroup && ioGroup.isIoType(EpollIoHandler.class);
    }
}

package org.sealrelay.gateway.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the bearer token of each request, runs it on the admin executor and writes the
 * response. Each connection carries one request: the response closes it.
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    private static final String BEARER = "Bearer ";

    private final AdminToken token;
    private final AdminApi api;
    private final Executor executor;

    AdminHttpHandler(AdminToken token, AdminApi api, Executor executor) {
        this.token = token;
        this.api = api;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            write(ctx, AdminResponse.error(400, "malformed HTTP request"), false);
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String presented = authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()).trim() : null;
        if (!token.matches(presented)) {
            log.warn("admin request from {} rejected: {} bearer token", ctx.channel().remoteAddress(),
                    presented == null ? "missing" : "wrong");
            write(ctx, AdminResponse.error(401, "missing or wrong bearer token; the token is in the file set by "
                    + "admin.token-file"), true);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        AdminRequest adminRequest = new AdminRequest(request.method().name(), uri.path(), uri.parameters());
        try {
            executor.execute(() -> {
                AdminResponse response;
                try {
                    response = api.handle(adminRequest);
                } catch (RuntimeException e) {
                    log.error("admin request {} {} failed", adminRequest.method(), adminRequest.path(), e);
                    response = AdminResponse.error(500, "internal error: " + e);
                }
                write(ctx, response, false);
            });
        } catch (RejectedExecutionException e) {
            write(ctx, AdminResponse.error(503, "the gateway is stopping"), false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static void write(ChannelHandlerContext ctx, AdminResponse response, boolean challenge) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        http.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (challenge) {
            // RFC 6750 section 3: a 401 names the scheme the client must use.
            http.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sealrelay-admin\"");
        }
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
}

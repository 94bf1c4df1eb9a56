package org.sealrelay.gateway.config;

import java.util.Objects;

/**
 * A host name or IP literal with a port, written {@code host:port} or {@code [v6]:port}.
 */
public record HostAndPort(String host, int port) {
    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + ": expected 0 to 65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}, or a bare host with the given default port.
     *
     * @throws IllegalArgumentException naming the value when it is not of that form
     */
    public static HostAndPort parse(String text, int defaultPort) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("missing host: expected host:port");
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid address '" + text + "': missing ']' after the IPv6 literal");
            }
            String host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostAndPort(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("invalid address '" + text + "': expected ':' and a port after ']'");
            }
            return new HostAndPort(host, parsePort(rest.substring(1), text));
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            return new HostAndPort(value, defaultPort);
        }
        if (value.indexOf(':') != colon) {
            throw new IllegalArgumentException("invalid address '" + text + "': write IPv6 literals as [addr]:port");
        }
        return new HostAndPort(value.substring(0, colon), parsePort(value.substring(colon + 1), text));
    }

    private static int parsePort(String digits, String whole) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the whole value.
        }
        throw new IllegalArgumentException("invalid port in '" + whole + "': expected a number from 0 to 65535");
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}

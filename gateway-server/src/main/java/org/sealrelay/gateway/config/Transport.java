package org.sealrelay.gateway.config;

import java.util.Locale;
import java.util.Objects;

/**
 * The route that mail for a destination domain takes to its next hop, in Postfix's transport syntax.
 *
 * <ul>
 *   <li>{@code mx}: the recipient domain's own MX hosts on port 25 ({@link Kind#MX}).
 *   <li>{@code smtp:host} or {@code smtp:host:port}: the MX hosts of {@code host} instead of the
 *       recipient domain's ({@link Kind#MX_OF_HOST}).
 *   <li>{@code smtp:[host]} or {@code smtp:[host]:port}: that one host, without an MX lookup
 *       ({@link Kind#FIXED_HOST}); the brackets mean "no MX" as in Postfix.
 * </ul>
 *
 * @param kind which of the forms above
 * @param host the relay host for {@code MX_OF_HOST} and {@code FIXED_HOST}, or null for {@code MX}
 * @param port TCP port of the next hop
 */
public record Transport(Kind kind, String host, int port) {
    /** Default SMTP port for relaying (RFC 5321 section 4.5.4 names no other). */
    public static final int SMTP_PORT = 25;

    /** The recipient domain's own MX hosts on port 25. */
    public static final Transport MX = new Transport(Kind.MX, null, SMTP_PORT);

    /** The three route forms. */
    public enum Kind {
        MX,
        MX_OF_HOST,
        FIXED_HOST
    }

    public Transport {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.MX) != (host == null)) {
            throw new IllegalArgumentException("transport " + kind + " with host " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + ": expected 1 to 65535");
        }
    }

    /**
     * Parses {@code mx}, {@code smtp:host[:port]} or {@code smtp:[host][:port]}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Transport parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.equalsIgnoreCase("mx")) {
            return MX;
        }
        if (!value.regionMatches(true, 0, "smtp:", 0, 5) || value.length() == 5) {
            throw new IllegalArgumentException("invalid transport '" + text
                    + "': expected mx, smtp:host, smtp:host:port, smtp:[host] or smtp:[host]:port");
        }
        String target = value.substring(5);
        boolean fixed = target.startsWith("[");
        HostAndPort hostAndPort = HostAndPort.parse(target, SMTP_PORT);
        if (!fixed && hostAndPort.host().indexOf(':') >= 0) {
            throw new IllegalArgumentException("invalid transport '" + text + "': write IPv6 literals as smtp:[addr]");
        }
        String host = hostAndPort.host().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return new Transport(fixed ? Kind.FIXED_HOST : Kind.MX_OF_HOST, host, hostAndPort.port());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MX -> "mx";
            case MX_OF_HOST -> "smtp:" + host + ":" + port;
            case FIXED_HOST -> "smtp:[" + host + "]:" + port;
        };
    }
}

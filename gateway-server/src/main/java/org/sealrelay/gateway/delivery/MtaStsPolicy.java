package org.sealrelay.gateway.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MTA-STS policy as served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (RFC 8461 section 3.2).
 *
 * @param mode what a sender does when a next hop fails the policy
 * @param mxPatterns host names or {@code *.}-prefixed wildcards that MX hosts must match
 * @param maxAge how long the policy may be cached
 */
record MtaStsPolicy(Mode mode, List<String> mxPatterns, Duration maxAge) {
    /** RFC 8461 section 3.2 caps max_age at 31557600 seconds, about a year. */
    static final long MAX_AGE_LIMIT_SECONDS = 31_557_600L;

    /** Policy modes (RFC 8461 section 5). */
    enum Mode {
        /** Deliver only to matching MX hosts over PKIX-validated TLS. */
        ENFORCE,
        /** Deliver as without a policy, but report failures. */
        TESTING,
        /** The domain has withdrawn its policy. */
        NONE
    }

    MtaStsPolicy {
        Objects.requireNonNull(mode, "mode");
        mxPatterns = List.copyOf(mxPatterns);
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /**
     * Parses a policy body: {@code key: value} lines ended by LF or CRLF, with the keys
     * {@code version} (must be {@code STSv1}), {@code mode}, {@code max_age} and one {@code mx}
     * per pattern. Unknown keys are ignored, as RFC 8461 section 3.2 requires.
     *
     * @throws IllegalArgumentException saying which field is missing or invalid
     */
    static MtaStsPolicy parse(String body) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> patterns = new ArrayList<>();
        for (String rawLine : body.split("\n", -1)) {
            String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("invalid MTA-STS policy line '" + SafeText.escape(line)
                        + "': expected key: value");
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = parseMode(value);
                case "max_age" -> maxAge = parseMaxAge(value);
                case "mx" -> patterns.add(value.toLowerCase(Locale.ROOT));
                default -> {
                    // RFC 8461 section 3.2: unknown fields are ignored for future extensions.
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new IllegalArgumentException("invalid MTA-STS policy: expected version STSv1; got "
                    + (version == null ? "none" : "'" + SafeText.escape(version) + "'"));
        }
        if (mode == null) {
            throw new IllegalArgumentException("invalid MTA-STS policy: missing mode");
        }
        if (maxAge == null) {
            throw new IllegalArgumentException("invalid MTA-STS policy: missing max_age");
        }
        if (mode != Mode.NONE && patterns.isEmpty()) {
            throw new IllegalArgumentException("invalid MTA-STS policy: mode " + mode.name().toLowerCase(Locale.ROOT)
                    + " needs at least one mx line");
        }
        return new MtaStsPolicy(mode, patterns, Duration.ofSeconds(maxAge));
    }

    /** Returns whether {@code host} matches an mx pattern; a wildcard covers exactly one label (section 4.1). */
    boolean allowsMx(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String pattern : mxPatterns) {
            if (DaneVerifier.nameMatches(pattern, name)) {
                return true;
            }
        }
        return false;
    }

    private static Mode parseMode(String value) {
        return switch (value) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new IllegalArgumentException("invalid MTA-STS policy mode '" + SafeText.escape(value)
                    + "': expected enforce, testing or none");
        };
    }

    private static long parseMaxAge(String value) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid MTA-STS max_age '" + SafeText.escape(value)
                    + "': expected 0 to " + MAX_AGE_LIMIT_SECONDS + " seconds");
        }
        long seconds = Long.parseLong(value);
        if (seconds > MAX_AGE_LIMIT_SECONDS) {
            throw new IllegalArgumentException("invalid MTA-STS max_age " + seconds + ": expected 0 to "
                    + MAX_AGE_LIMIT_SECONDS + " seconds");
        }
        return seconds;
    }
}

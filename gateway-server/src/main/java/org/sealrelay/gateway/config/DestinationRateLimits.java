package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Limits on how often deliveries to one recipient domain start, as Postfix's
 * default_destination_rate_delay sets them, written as a rate such as {@code 60/m}. A rate
 * becomes the minimum interval between two delivery starts to the domain, so {@code 60/m} is
 * one per second.
 *
 * @param defaultInterval interval for domains without an entry in {@code intervalByDomain}; zero
 *     means no limit
 * @param intervalByDomain intervals by lower-case domain; an entry covers its subdomains and the
 *     longest match wins
 */
public record DestinationRateLimits(Duration defaultInterval, Map<String, Duration> intervalByDomain) {
    /** No limit for any domain. */
    public static final DestinationRateLimits NONE = new DestinationRateLimits(Duration.ZERO, Map.of());

    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|m|h|d)");

    public DestinationRateLimits {
        Objects.requireNonNull(defaultInterval, "defaultInterval");
        requireNotNegative(defaultInterval, "default");
        intervalByDomain = Map.copyOf(intervalByDomain);
        for (Map.Entry<String, Duration> entry : intervalByDomain.entrySet()) {
            requireNotNegative(entry.getValue(), entry.getKey());
        }
    }

    /** Returns the interval between delivery starts to {@code domain}, or zero for no limit. */
    public Duration intervalFor(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        while (true) {
            Duration interval = intervalByDomain.get(name);
            if (interval != null) {
                return interval;
            }
            int dot = name.indexOf('.');
            if (dot < 0) {
                return defaultInterval;
            }
            name = name.substring(dot + 1);
        }
    }

    /**
     * Parses a rate {@code N/unit} with the unit {@code s}, {@code m}, {@code h} or {@code d}, or
     * {@code 0} for no limit, into the interval between two starts.
     *
     * @throws IllegalArgumentException naming the value when it is not of that form
     */
    public static Duration parseRate(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = RATE.matcher(value);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IllegalArgumentException("invalid rate '" + text
                    + "': expected messages per unit such as 10/s, 60/m or 500/h, or 0 for no limit");
        }
        Duration unit = switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return unit.dividedBy(Long.parseLong(matcher.group(1)));
    }

    private static void requireNotNegative(Duration interval, String domain) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("invalid rate interval " + interval + " for " + domain
                    + ": expected zero or more");
        }
    }
}

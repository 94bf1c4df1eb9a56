package org.sealrelay.policy.detect;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * US Social Security numbers written as {@code AAA-GG-SSSS} or {@code AAA GG SSSS}, and nine
 * bare digits when "SSN" or "social security" precedes them. The Social Security Administration
 * never issues area 000, 666 or 900-999, group 00 or serial 0000, so those do not count, and
 * neither do numbers it has published as invalid examples.
 */
public final class SsnDetector implements Detector {
    /** Numbers printed in advertising and specimen cards, which the SSA voided. */
    private static final Set<String> VOIDED = Set.of("078051120", "219099999");
    private static final Pattern SEPARATED =
            Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])");
    private static final Pattern BARE = Pattern.compile("(?<![\\d-])(\\d{3})(\\d{2})(\\d{4})(?![\\d-])");
    private static final ContextWords CONTEXT =
            new ContextWords("ssn|ss#|social security(?: number| no\\.?)?", "s", "so", 30, 0);
    private static final Matches.StartSet DIGITS =
            Matches.StartSet.digits().notAfter(c -> Matches.isDigit(c) || c == '-');

    @Override
    public String name() {
        return "ssn";
    }

    @Override
    public int count(CharSequence text) {
        int count = Matches.countValid(SEPARATED, DIGITS, text,
                match -> isValid(match.group(1), match.group(3), match.group(4)));
        ContextWords.Index context = CONTEXT.index(text);
        if (context.isEmpty()) {
            return count;
        }
        return count + Matches.countValidWithin(BARE, DIGITS, text, context.candidateStarts(9, text.length()),
                match -> context.near(match.start(), match.end())
                && isValid(match.group(1), match.group(2), match.group(3)));
    }

    /** Whether area, group and serial form a number the SSA can have issued. */
    static boolean isValid(String area, String group, String serial) {
        if (area.equals("000") || area.equals("666") || area.charAt(0) == '9') {
            return false;
        }
        if (group.equals("00") || serial.equals("0000")) {
            return false;
        }
        return !VOIDED.contains(area + group + serial);
    }
}

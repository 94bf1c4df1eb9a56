package org.sealrelay.policy.detect;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Dates of birth: a calendar date from 1900 to 2099 that follows within 30 characters a keyword
 * such as DOB, "date of birth", "birth date" or "born". Dates are read as {@code M/D/YYYY} (US
 * order, also with - or .), {@code YYYY-MM-DD}, {@code Month D, YYYY} and {@code D Month YYYY}. An
 * impossible date such as 02/30/1980 does not count.
 */
public final class BirthDateDetector implements Detector {
    private static final Pattern NUMERIC_US =
            Pattern.compile("(?<!\\d)(\\d{1,2})([/.-])(\\d{1,2})\\2((?:19|20)\\d{2})(?!\\d)");
    private static final Pattern ISO = Pattern.compile("(?<!\\d)((?:19|20)\\d{2})-(\\d{2})-(\\d{2})(?!\\d)");
    private static final Pattern MONTH_NAME = Pattern.compile(
            "(?<![A-Za-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.? (\\d{1,2}),? ((?:19|20)\\d{2})(?!\\d)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DAY_MONTH_NAME = Pattern.compile(
            "(?<![\\dA-Za-z])(\\d{1,2}) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?,? ((?:19|20)\\d{2})(?!\\d)",
            Pattern.CASE_INSENSITIVE);
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    /** Maximum length of a date the patterns match ("September 30, 2099" has 18), with room to spare. */
    private static final int MAX_DATE_LENGTH = 40;
    private static final ContextWords CONTEXT =
            new ContextWords("dob|d\\.o\\.b\\.?|date of birth|birth ?date|born(?: on)?", "db", "o.ai", 30, 0);
    private static final Matches.StartSet US_START = Matches.StartSet.digits().notAfter(Matches::isDigit);
    private static final Matches.StartSet YEAR_START = Matches.StartSet.of("12").notAfter(Matches::isDigit);
    private static final Matches.StartSet MONTH_START =
            Matches.StartSet.ignoringCase("jfmasond").notAfter(Matches::isAsciiLetter);
    private static final Matches.StartSet DAY_START =
            Matches.StartSet.digits().notAfter(c -> Matches.isDigit(c) || Matches.isAsciiLetter(c));

    @Override
    public String name() {
        return "dob";
    }

    @Override
    public int count(CharSequence text) {
        ContextWords.Index context = CONTEXT.index(text);
        if (context.isEmpty()) {
            return 0;
        }
        List<int[]> starts = context.candidateStarts(MAX_DATE_LENGTH, text.length());
        int count = Matches.countValidWithin(NUMERIC_US, US_START, text, starts,
                match -> context.near(match.start(), match.end()) && isDate(match.group(4), match.group(1), match.group(3)));
        count += Matches.countValidWithin(ISO, YEAR_START, text, starts,
                match -> context.near(match.start(), match.end()) && isDate(match.group(1), match.group(2), match.group(3)));
        count += Matches.countValidWithin(MONTH_NAME, MONTH_START, text, starts,
                match -> context.near(match.start(), match.end())
                        && isDate(match.group(3), monthNumber(match.group(1)), match.group(2)));
        count += Matches.countValidWithin(DAY_MONTH_NAME, DAY_START, text, starts,
                match -> context.near(match.start(), match.end())
                        && isDate(match.group(3), monthNumber(match.group(2)), match.group(1)));
        return count;
    }

    private static String monthNumber(String abbreviation) {
        return Integer.toString(MONTHS.indexOf(abbreviation.toLowerCase(Locale.ROOT)) / 3 + 1);
    }

    private static boolean isDate(String year, String month, String day) {
        try {
            LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}

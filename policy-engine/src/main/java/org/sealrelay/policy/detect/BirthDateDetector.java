package org.sealrelay.policy.detect;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Matcher;
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
    private static final ContextWords CONTEXT =
            new ContextWords("dob|d\\.o\\.b\\.?|date of birth|birth ?date|born(?: on)?", 30, 0);

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
        int count = 0;
        Matcher us = NUMERIC_US.matcher(text);
        while (us.find()) {
            if (context.near(us.start(), us.end()) && isDate(us.group(4), us.group(1), us.group(3))) {
                count++;
            }
        }
        Matcher iso = ISO.matcher(text);
        while (iso.find()) {
            if (context.near(iso.start(), iso.end()) && isDate(iso.group(1), iso.group(2), iso.group(3))) {
                count++;
            }
        }
        Matcher named = MONTH_NAME.matcher(text);
        while (named.find()) {
            int month = MONTHS.indexOf(named.group(1).toLowerCase(Locale.ROOT)) / 3 + 1;
            if (context.near(named.start(), named.end())
                    && isDate(named.group(3), Integer.toString(month), named.group(2))) {
                count++;
            }
        }
        Matcher dayFirst = DAY_MONTH_NAME.matcher(text);
        while (dayFirst.find()) {
            int month = MONTHS.indexOf(dayFirst.group(2).toLowerCase(Locale.ROOT)) / 3 + 1;
            if (context.near(dayFirst.start(), dayFirst.end())
                    && isDate(dayFirst.group(3), Integer.toString(month), dayFirst.group(1))) {
                count++;
            }
        }
        return count;
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

package org.sealrelay.policy.detect;

import java.util.regex.Pattern;

/**
 * ICD-10-CM diagnosis codes such as {@code E11.9} or {@code J45}, counted only when a context
 * word (diagnosis, diagnosed, dx, ICD, ICD-10) is near, because the bare shape (a letter, two
 * digits) is common in part numbers and room names. The first character is any letter except
 * U, which ICD-10-CM reserves; the third is a digit, A or B.
 */
public final class Icd10Detector implements Detector {
    private static final Pattern CANDIDATE =
            Pattern.compile("(?<![A-Za-z0-9.])[A-TV-Z][0-9][0-9AB](?:\\.[0-9A-TV-Z]{1,4})?(?![A-Za-z0-9])");
    private static final ContextWords CONTEXT =
            new ContextWords("diagnos[ie]s|diagnosed|dx|icd(?:-?10(?:-cm)?)?", "di", "ixc", 60, 30);
    /** Maximum length of a code the pattern matches: a letter, two characters, a dot and four more. */
    private static final int MAX_CODE_LENGTH = 8;
    private static final Matches.StartSet START = Matches.StartSet.of("ABCDEFGHIJKLMNOPQRSTVWXYZ")
            .notAfter(c -> Matches.isAsciiLetter(c) || Matches.isDigit(c) || c == '.');

    @Override
    public String name() {
        return "icd10";
    }

    @Override
    public int count(CharSequence text) {
        ContextWords.Index context = CONTEXT.index(text);
        if (context.isEmpty()) {
            return 0;
        }
        return Matches.countValidWithin(CANDIDATE, START, text, context.candidateStarts(MAX_CODE_LENGTH, text.length()),
                match -> context.near(match.start(), match.end()));
    }
}

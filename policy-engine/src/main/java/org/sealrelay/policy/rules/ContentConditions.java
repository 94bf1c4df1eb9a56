package org.sealrelay.policy.rules;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.detect.RegexBudget;

/**
 * Conditions on the message content: header, subject and body patterns, attachments, size,
 * detector counts and parts that could not be read.
 *
 * <p>Patterns from the rules file run within a {@link RegexBudget}. When a pattern exceeds it,
 * the condition throws {@link org.sealrelay.policy.detect.RegexBudgetExceededException} and
 * {@link RulesPolicy} holds the message for review, whichever way the rule used the condition.
 */
final class ContentConditions {
    private ContentConditions() {
    }

    /** Holds when any field of the named header matches the pattern. */
    record HeaderPattern(String headerName, Pattern pattern, String kind) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            for (ContentFacts.HeaderField field : evaluation.facts().content().headers()) {
                if (field.name().equalsIgnoreCase(headerName) && RegexBudget.find(pattern, field.value(), kind)) {
                    evidence.add(kind);
                    return true;
                }
            }
            return false;
        }
    }

    /** Holds when the body text matches the pattern. */
    record BodyPattern(Pattern pattern) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            if (RegexBudget.find(pattern, evaluation.facts().content().text(), "body")) {
                evidence.add("body");
                return true;
            }
            return false;
        }
    }

    /** Holds when at least one attachment satisfies the test. */
    record AttachmentTest(String kind, Predicate<ContentFacts.Attachment> test) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            int count = 0;
            for (ContentFacts.Attachment attachment : evaluation.facts().content().attachments()) {
                if (test.test(attachment)) {
                    count++;
                }
            }
            if (count > 0) {
                evidence.add(kind + " attachments=" + count);
                return true;
            }
            return false;
        }
    }

    /** Holds when the message is larger than the limit. */
    record SizeOver(long octets) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            if (evaluation.facts().sizeOctets() > octets) {
                evidence.add("size-over " + octets);
                return true;
            }
            return false;
        }
    }

    /** Holds when a detector counted at least {@code min} occurrences. */
    record DetectorHits(String detector, int min) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            int count = evaluation.detectorCounts().count(detector);
            if (count >= min) {
                evidence.add("detector " + detector + "=" + count);
                return true;
            }
            return false;
        }
    }

    /** Holds when some part could not be read ({@code true}) or every part could ({@code false}). */
    record UnreadableParts(boolean expected) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            int count = evaluation.facts().content().unreadableParts();
            if ((count > 0) == expected) {
                evidence.add("unreadable-parts=" + count);
                return true;
            }
            return false;
        }
    }

    /** Holds when text was cut at the extraction cap ({@code true}) or was not ({@code false}). */
    record TextTruncated(boolean expected) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            boolean truncated = evaluation.facts().content().textTruncated();
            if (truncated == expected) {
                evidence.add("text-truncated=" + truncated);
                return true;
            }
            return false;
        }
    }
}

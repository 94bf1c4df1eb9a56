package org.sealrelay.policy.rules;

import java.util.List;
import java.util.Optional;
import org.sealrelay.policy.RecipientCapabilities;
import org.sealrelay.policy.TlsLevel;

/**
 * Conditions on the gateway's facts about the recipient and on how the sender requested the
 * message to travel. The gateway looks the facts up in its caches before the policy runs.
 */
final class CapabilityConditions {
    private CapabilityConditions() {
    }

    /**
     * Holds when the last session with the recipient's domain reached at least {@code minimum}:
     * {@code none} and {@code may} hold for any cached session, {@code encrypt} needs TLS, and
     * {@code verify} needs an authenticated peer. {@code dane} and {@code mta-sts} need a peer
     * authenticated under that policy. With {@code minimum} empty, the condition holds when no
     * session is cached ({@code recipient-tls: unknown}).
     */
    record RecipientTls(Optional<TlsLevel> minimum) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            Optional<TlsLevel> proven = evaluation.facts().capabilitiesOf(evaluation.recipient()).provenTls();
            boolean holds = minimum.isEmpty() ? proven.isEmpty() : proven.isPresent() && reaches(proven.get(), minimum.get());
            if (holds) {
                evidence.add("recipient-tls=" + proven.map(TlsLevel::configName).orElse("unknown"));
            }
            return holds;
        }

        /** Returns whether a proven level satisfies a required one. DANE and MTA-STS satisfy only themselves and the levels below. */
        static boolean reaches(TlsLevel proven, TlsLevel required) {
            return switch (required) {
                case NONE, MAY -> true;
                case ENCRYPT -> proven.requiresTls();
                case VERIFY -> proven.verifiesPeer();
                case DANE, MTA_STS -> proven == required;
            };
        }
    }

    /** Holds when the recipient has, or lacks, a usable pinned OpenPGP key or S/MIME certificate. */
    record RecipientKey(Kind kind, boolean expected) implements Condition {
        /** The kind of key that the condition tests. */
        enum Kind { PGP, SMIME }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            RecipientCapabilities capabilities = evaluation.facts().capabilitiesOf(evaluation.recipient());
            boolean has = kind == Kind.PGP ? capabilities.hasPgpKey() : capabilities.hasSmimeCertificate();
            if (has == expected) {
                evidence.add((kind == Kind.PGP ? "recipient-has-pgp-key=" : "recipient-has-smime-certificate=") + has);
                return true;
            }
            return false;
        }
    }

    /** Holds when the message was sent with REQUIRETLS ({@code true}) or without ({@code false}). */
    record RequireTls(boolean expected) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            boolean requireTls = evaluation.facts().requireTls();
            if (requireTls == expected) {
                evidence.add("requiretls=" + requireTls);
                return true;
            }
            return false;
        }
    }
}

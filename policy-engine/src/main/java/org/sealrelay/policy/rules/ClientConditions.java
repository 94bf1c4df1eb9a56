package org.sealrelay.policy.rules;

import java.util.List;
import java.util.Set;

/** Conditions on the SMTP client: the listener it reached, its address and its TLS. */
final class ClientConditions {
    private ClientConditions() {
    }

    /** Holds when the message arrived on one of the named listeners. */
    record Listener(Set<String> names) implements Condition {
        Listener {
            names = Set.copyOf(names);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            if (names.contains(evaluation.facts().listener())) {
                evidence.add("listener");
                return true;
            }
            return false;
        }
    }

    /** Holds when the client address is inside one of the networks. */
    record ClientAddress(List<Network> networks) implements Condition {
        ClientAddress {
            networks = List.copyOf(networks);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            for (Network network : networks) {
                if (network.contains(evaluation.facts().clientAddress())) {
                    evidence.add("client-address");
                    return true;
                }
            }
            return false;
        }
    }

    /** Holds when the inbound session used TLS ({@code true}) or did not ({@code false}). */
    record InboundTls(boolean expected) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            boolean tls = evaluation.facts().tlsProtocol() != null;
            if (tls == expected) {
                evidence.add("inbound-tls=" + tls);
                return true;
            }
            return false;
        }
    }
}

package org.sealrelay.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides, per recipient, whether a message is accepted and how it may leave.
 *
 * <p>Contract: implementations are deterministic and free of side effects, so the same facts
 * always give the same decision, and they are safe to call from several threads at once.
 */
public interface Policy {
    /**
     * Decides for one recipient of a message.
     *
     * @param message facts about the whole message
     * @param recipient one address from {@link MessageFacts#recipients()}
     */
    Decision decide(MessageFacts message, String recipient);

    /**
     * Decides for every recipient, in the order of {@link MessageFacts#recipients()}. Policies
     * that scan content override this to scan once per message.
     */
    default List<Decision> decideAll(MessageFacts message) {
        List<Decision> decisions = new ArrayList<>(message.recipients().size());
        for (String recipient : message.recipients()) {
            decisions.add(decide(message, recipient));
        }
        return decisions;
    }

    /**
     * Whether decisions depend on {@link MessageFacts#content()}. When false the gateway does
     * not read the content back and passes {@link org.sealrelay.policy.content.ContentFacts#NOT_READ}.
     */
    default boolean needsContent() {
        return false;
    }
}

package org.sealrelay.policy;

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
}

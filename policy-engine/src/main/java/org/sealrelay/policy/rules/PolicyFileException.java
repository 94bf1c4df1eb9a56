package org.sealrelay.policy.rules;

/**
 * An invalid rules file. The message has the form {@code file:line:column: what is wrong},
 * naming the setting and, where it helps, what was expected.
 */
public final class PolicyFileException extends Exception {
    public PolicyFileException(String message) {
        super(message);
    }

    public PolicyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

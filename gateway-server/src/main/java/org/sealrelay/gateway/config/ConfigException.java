package org.sealrelay.gateway.config;

/**
 * An invalid configuration file. The message starts with {@code file:line:column:} and the
 * setting's dotted name, then says what is wrong and what is expected.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

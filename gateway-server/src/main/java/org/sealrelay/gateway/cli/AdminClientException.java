package org.sealrelay.gateway.cli;

/** A failure to talk to the admin endpoint, with the exit code the command should return. */
final class AdminClientException extends Exception {
    private final int exitCode;

    AdminClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    AdminClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

package org.sealrelay.gateway.smtp.inbound;

import java.io.IOException;

/**
 * Fixed replies of the listener, each with its RFC 3463 enhanced status code. Replies that
 * carry a value (queue id, host name) are built where they are sent.
 */
final class Replies {
    static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok");
    static final SmtpReply SENDER_OK = SmtpReply.of(250, "2.1.0", "Sender ok");
    static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, "2.1.5", "Recipient ok");
    static final SmtpReply RESET_OK = SmtpReply.of(250, "2.0.0", "Reset");
    static final SmtpReply NOOP_OK = SmtpReply.of(250, "2.0.0", "Ok");
    static final SmtpReply VRFY = SmtpReply.of(252, "2.5.0", "Cannot verify the user, but will accept the message");
    static final SmtpReply START_DATA = SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>");
    static final SmtpReply START_TLS = SmtpReply.of(220, "2.0.0", "Ready to start TLS");

    static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2", "Service shutting down, closing connection");
    static final SmtpReply COMMAND_TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout waiting for a command, closing connection");
    static final SmtpReply DATA_TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout waiting for message data, closing connection");
    static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0", "Too many errors, closing connection");
    static final SmtpReply SPOOL_FAILED = SmtpReply.of(451, "4.3.0", "Message not accepted: local storage failed, try again later");
    static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, "4.5.3", "Too many recipients");
    static final SmtpReply TLS_NOT_AVAILABLE = SmtpReply.of(454, "4.7.0", "TLS not available");

    static final SmtpReply UNKNOWN_COMMAND = SmtpReply.of(500, "5.5.1", "Command not recognized");
    static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.2", "Line too long");
    static final SmtpReply BARE_LINE_ENDING = SmtpReply.of(500, "5.5.2",
            "Bare CR or LF in command; lines must end with CRLF");
    static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, "5.5.1", "Command not implemented");
    static final SmtpReply BAD_SEQUENCE_HELO_FIRST = SmtpReply.of(503, "5.5.1", "Send EHLO or HELO first");
    static final SmtpReply BAD_SEQUENCE_EHLO_FOR_BDAT = SmtpReply.of(503, "5.5.1", "BDAT requires EHLO, which offers CHUNKING");
    static final SmtpReply BAD_SEQUENCE_NESTED_MAIL = SmtpReply.of(503, "5.5.1", "Sender already given");
    static final SmtpReply BAD_SEQUENCE_MAIL_FIRST = SmtpReply.of(503, "5.5.1", "Send MAIL first");
    static final SmtpReply BAD_SEQUENCE_RCPT_FIRST = SmtpReply.of(503, "5.5.1", "Send RCPT first");
    static final SmtpReply BAD_SEQUENCE_TLS_ACTIVE = SmtpReply.of(503, "5.5.1", "TLS already active");
    static final SmtpReply BAD_SEQUENCE_IN_TRANSACTION = SmtpReply.of(503, "5.5.1",
            "Finish or reset the mail transaction first");
    static final SmtpReply SYNTAX_NO_ARGUMENT = SmtpReply.of(501, "5.5.4", "This command takes no argument");
    static final SmtpReply SYNTAX_HELO = SmtpReply.of(501, "5.5.4", "Syntax: EHLO domain or address literal");
    static final SmtpReply SYNTAX_MAIL = SmtpReply.of(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    static final SmtpReply SYNTAX_RCPT = SmtpReply.of(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    static final SmtpReply MESSAGE_BARE_LINE_ENDING = SmtpReply.of(550, "5.6.0",
            "Message rejected: bare CR or LF in message data; lines must end with CRLF");
    static final SmtpReply MESSAGE_LINE_TOO_LONG = SmtpReply.of(500, "5.5.2",
            "Message rejected: a line is longer than 1000 octets including CRLF");
    static final SmtpReply ADDRESS_LITERAL_RECIPIENT = SmtpReply.of(550, "5.1.2",
            "Address literals are not accepted as recipients; use a domain name");
    static final SmtpReply DATA_AFTER_BDAT = SmtpReply.of(503, "5.5.1", "DATA cannot follow BDAT in one transaction");
    static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, "5.5.1", "Already authenticated");
    static final SmtpReply AUTH_OK = SmtpReply.of(235, "2.7.0", "Authentication successful");
    static final SmtpReply AUTH_FAILED = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
    static final SmtpReply AUTH_NEEDS_TLS = SmtpReply.of(538, "5.7.11",
            "Encryption required for requested authentication mechanism; use STARTTLS first");
    static final SmtpReply DISK_FULL = SmtpReply.of(452, "4.3.1", "Insufficient system storage, try again later");
    static final SmtpReply TENANT_NOT_ALLOWED = SmtpReply.of(550, "5.7.1",
            "Message rejected: the sending tenant is not allowed to relay through this gateway");
    static final SmtpReply UTF8_REQUIRED = SmtpReply.of(553, "5.6.7",
            "Non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM");
    static final SmtpReply INVALID_UTF8 = SmtpReply.of(500, "5.5.2", "Invalid UTF-8 in command line");
    static final SmtpReply RELAY_DENIED = SmtpReply.of(554, "5.7.1", "Relay access denied");
    static final SmtpReply ENCRYPTION_REQUIRED = SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");

    /**
     * Returns the reply for a spool write failure: 452 4.3.1 when the disk is full (RFC 3463
     * "mail system full"), else 451 4.3.0.
     */
    static SmtpReply storageFailure(IOException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return DISK_FULL;
            }
        }
        return SPOOL_FAILED;
    }

    private Replies() {
    }
}

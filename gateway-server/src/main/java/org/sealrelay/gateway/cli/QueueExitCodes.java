package org.sealrelay.gateway.cli;

/** Exit codes of the {@code queue} commands; the numbers above 2 follow sysexits.h. */
final class QueueExitCodes {
    static final int OK = 0;
    /** A queue id given on the command line is not in the queue. */
    static final int NOT_FOUND = 1;
    /** An option or a queue id is invalid (picocli's usage error code). */
    static final int USAGE = 2;
    /** EX_UNAVAILABLE: the gateway's admin endpoint did not accept the connection. */
    static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: the gateway sent a response the command did not expect. */
    static final int SOFTWARE = 70;
    /** EX_IOERR: the token file could not be read. */
    static final int IO = 74;
    /** EX_NOPERM: the gateway rejected the token. */
    static final int NO_PERMISSION = 77;
    /** EX_CONFIG: the configuration file is invalid. */
    static final int CONFIG = 78;

    /** Footer of every queue command's help. */
    static final String HELP_FOOTER = """
            %nExit codes:
              0   success
              1   a queue id given is not in the queue
              2   invalid option or queue id
              69  the gateway is not running or its admin endpoint is unreachable
              70  unexpected response from the gateway
              74  the admin token file cannot be read
              77  the gateway rejected the admin token in admin.token-file
              78  invalid configuration file""";

    private QueueExitCodes() {
    }
}

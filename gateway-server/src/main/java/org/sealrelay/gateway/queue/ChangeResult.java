package org.sealrelay.gateway.queue;

/** Outcome of an administrative change to one queued message. */
public enum ChangeResult {
    /** The change was made and, where it changes the envelope, written to the spool. */
    DONE,
    /** The message was already in the requested state, such as releasing a message not on hold. */
    UNCHANGED,
    /** No queued message has that id. */
    NOT_FOUND,
    /** A delivery attempt for the message is in flight; try again when it has ended. */
    BUSY,
    /** Writing the change to the spool failed; the message keeps its earlier state. */
    FAILED
}

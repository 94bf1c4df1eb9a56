package org.sealrelay.gateway.delivery;

import java.io.IOException;
import java.io.InputStream;

/** Opens a message's clear-text content (CRLF lines, not dot-stuffed) for one attempt. */
@FunctionalInterface
public interface ContentSource {
    /** Opens a fresh stream positioned at the first octet; the caller closes it. */
    InputStream open() throws IOException;
}

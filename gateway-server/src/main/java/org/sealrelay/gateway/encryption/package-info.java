/**
 * The {@code pgp} and {@code smime} delivery plan steps: key selection from the recipient key
 * directory, per-recipient encrypted copies streamed into the SMTP DATA stream, and the
 * delivery agent that puts them in front of SMTP relay.
 */
package org.sealrelay.gateway.encryption;

package org.sealrelay.gateway.delivery;

/**
 * A {@link ContentSource} whose stream is an encrypted copy of the message. The SMTP agent
 * relays a {@code pgp} or {@code smime} request only with content of this type, so a request
 * that skipped encryption by mistake cannot put clear text on the wire.
 */
public interface EncryptedContentSource extends ContentSource {
}

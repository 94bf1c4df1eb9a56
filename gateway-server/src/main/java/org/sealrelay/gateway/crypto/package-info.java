/**
 * Parts shared by the OpenPGP and S/MIME encryptors: reading the header section of a message,
 * splitting it into the outer (routing) and protected header fields, and MIME output helpers.
 *
 * <p>Header protection follows RFC 9788: the real header fields travel inside the encrypted
 * part, whose {@code Content-Type} carries {@code hp="cipher"}, and the outer Subject is
 * replaced by a placeholder.
 */
package org.sealrelay.gateway.crypto;

/**
 * S/MIME 4.0 (RFC 8551) encryption of whole messages: CMS EnvelopedData with AES-256-CBC or
 * AuthEnvelopedData with AES-256-GCM, RFC 9788 header protection, and optional signing with
 * the organisation certificate.
 */
package org.sealrelay.gateway.crypto.smime;

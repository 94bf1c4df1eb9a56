/**
 * DKIM signing (RFC 6376) of mail the gateway writes itself: delivery status notifications and
 * SMTP TLS reports. Signatures use rsa-sha256 or ed25519-sha256 (RFC 8463), relaxed or simple
 * canonicalization, and a body hash computed while the message streams past, so a large
 * returned message is never held in memory.
 */
package org.sealrelay.gateway.dkim;

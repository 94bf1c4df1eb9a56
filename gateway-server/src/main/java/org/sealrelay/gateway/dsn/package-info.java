/**
 * Delivery status notifications (RFC 3464, RFC 3461): failed, delayed and relayed reports as
 * multipart/report messages, with the original header section or, for RET=FULL, the whole
 * original streamed from the spool, written into the spool as messages of their own.
 */
package org.sealrelay.gateway.dsn;

/**
 * Delivery status notifications (RFC 3464) for recipients that failed for good: composing the
 * multipart/report message and writing it into the spool as a message of its own.
 */
package org.sealrelay.gateway.dsn;

/**
 * The inbound SMTP listener (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES and
 * STARTTLS): strict line framing, the command state machine, relay access and streaming DATA
 * into the spool.
 */
package org.sealrelay.gateway.smtp.inbound;

/**
 * DNS lookups for outbound delivery: MX records of a recipient domain (RFC 5321 section 5.1) and
 * the addresses of the hosts they name, with dnsjava's asynchronous {@code LookupSession}; and
 * the DNSSEC-validated MX, address, TLSA and TXT lookups that DANE needs
 * ({@link org.sealrelay.gateway.dns.DnssecResolver}).
 */
package org.sealrelay.gateway.dns;

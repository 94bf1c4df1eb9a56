/**
 * Discovery of recipient keys that the directory does not hold yet: Web Key Directory over
 * HTTPS, OPENPGPKEY (RFC 7929) and SMIMEA (RFC 8162) records validated with DNSSEC, and keys
 * taken from signed mail that the gateway relays. {@link
 * org.sealrelay.gateway.crypto.keys.discovery.KeyDiscovery} runs the finders, caches their
 * results and hands every key to the directory, which pins the first key of an address and
 * keeps a later, different key as a conflict.
 */
package org.sealrelay.gateway.crypto.keys.discovery;

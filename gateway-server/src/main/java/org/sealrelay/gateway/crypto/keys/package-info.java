/**
 * The recipient key directory: OpenPGP public keys and X.509 certificates, imported from files
 * or found by {@link org.sealrelay.gateway.crypto.keys.discovery discovery}, indexed by mail
 * address with their source and trust. Keys are checked for expiry, revocation and key usage.
 * Each address is pinned to one key of each kind, so a different key for that address is used
 * only after an explicit replace or accept.
 *
 * <p>X.509 certificates are not chain-validated and their CRL or OCSP status is not fetched:
 * a certificate is trusted because an administrator imported it, DNSSEC vouched for it, or
 * its holder signed mail with it.
 */
package org.sealrelay.gateway.crypto.keys;

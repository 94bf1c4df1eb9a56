/**
 * The recipient key directory: OpenPGP public keys and X.509 certificates imported from files
 * and indexed by mail address. Keys are checked for expiry, revocation and key usage. Each
 * address is pinned to one key of each kind, so a different key for that address is used
 * only after an explicit replace.
 *
 * <p>Only file import fills the directory. Discovery through WKD, OPENPGPKEY (RFC 7929) or
 * SMIMEA (RFC 8162) records is not implemented. X.509 certificates are trusted because an
 * administrator imported them: their chains are not validated and CRL or OCSP status is not
 * fetched.
 */
package org.sealrelay.gateway.crypto.keys;

/**
 * PGP/MIME (RFC 3156) encryption of whole messages, with RFC 9788 header protection and
 * optional signing by an organisation key.
 */
package org.sealrelay.gateway.crypto.pgp;

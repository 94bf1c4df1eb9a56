/** Server TLS contexts and self-signed certificate generation. */
package org.sealrelay.gateway.tls;

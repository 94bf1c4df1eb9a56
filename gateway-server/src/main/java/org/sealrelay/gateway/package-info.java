/** The SealRelay gateway daemon: {@link org.sealrelay.gateway.Gateway} wires its parts together. */
package org.sealrelay.gateway;

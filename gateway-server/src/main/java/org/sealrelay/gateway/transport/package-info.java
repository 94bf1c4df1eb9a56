/** Netty transport selection shared by the listener and the delivery client. */
package org.sealrelay.gateway.transport;

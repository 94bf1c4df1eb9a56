/**
 * The single path by which a message enters the gateway, whatever its source: policy decision
 * per recipient, then a durable spool commit, then hand-off to the queue manager.
 */
package org.sealrelay.gateway.submission;

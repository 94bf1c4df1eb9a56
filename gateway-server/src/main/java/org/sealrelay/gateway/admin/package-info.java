/**
 * The local queue administration endpoint: an HTTP/1.1 server on a loopback address that lists,
 * shows, flushes, holds, releases, deletes and bounces queued messages for the
 * {@code sealrelay queue} commands. Requests carry a bearer token that the gateway writes at
 * start to a file only its owner can read.
 */
package org.sealrelay.gateway.admin;

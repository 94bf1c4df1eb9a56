/** Helpers that keep protected health information and raw peer input out of log lines. */
package org.sealrelay.gateway.logging;

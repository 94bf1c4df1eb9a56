/**
 * The policy engine: per-recipient decisions from message facts, with no network or disk I/O.
 * The gateway supplies the facts and carries out the decisions.
 */
package org.sealrelay.policy;

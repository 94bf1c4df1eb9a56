/**
 * The audit trail: one JSON line per policy decision and administrator action, chained with
 * HMAC-SHA256 so that a changed, removed or inserted line is detected, and free of PHI
 * (addresses appear only as domain and keyed hash, never message content).
 */
package org.sealrelay.gateway.audit;

/**
 * The audit trail: one JSON line per policy decision and administrator action, chained with
 * HMAC-SHA256 so that a changed, removed or inserted line is detected, and free of PHI
 * (addresses appear only as domain and keyed hash, never message content). The chain runs on
 * across rotated files, and an anchor file records the end so that a cut is detected.
 */
package org.sealrelay.gateway.audit;

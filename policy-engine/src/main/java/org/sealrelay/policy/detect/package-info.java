/**
 * PHI detectors. Each validates its candidates (check digits, issued number ranges, context
 * words) and reports a count, never the matched text, so that evidence can be logged.
 */
package org.sealrelay.policy.detect;

/**
 * Rules files: ordered rules with conditions and actions, a default action, and the parser
 * that reports every problem as {@code file:line:column: problem}.
 */
package org.sealrelay.policy.rules;

/**
 * JMH benchmarks of the gateway's hot paths that need no package-private access: spool commit
 * and policy evaluation. The inbound parsing benchmarks sit in {@code smtp.inbound} beside the
 * classes they measure. {@code scripts/bench} compiles and runs all of them.
 */
package org.sealrelay.gateway.bench;

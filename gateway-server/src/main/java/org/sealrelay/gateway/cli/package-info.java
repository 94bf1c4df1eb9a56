/** The {@code sealrelay} command line (picocli). */
package org.sealrelay.gateway.cli;

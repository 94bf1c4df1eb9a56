/** The configuration model and its YAML loader. */
package org.sealrelay.gateway.config;

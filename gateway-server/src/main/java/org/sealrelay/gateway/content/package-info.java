/**
 * Content fact extraction: a streaming MIME parse of a received message into the header fields,
 * text and attachment list that the policy engine's rules and detectors read, with memory capped
 * by {@link org.sealrelay.gateway.content.ExtractionLimits}.
 */
package org.sealrelay.gateway.content;

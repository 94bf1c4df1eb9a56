/**
 * Outbound delivery: {@link org.sealrelay.gateway.delivery.SmtpDeliveryAgent} carries one
 * {@link org.sealrelay.gateway.delivery.DeliveryRequest} along the route that the transport
 * table picks over SMTP with STARTTLS at the request's TLS level, applying DANE (RFC 7672) and
 * MTA-STS (RFC 8461), and reports a {@link org.sealrelay.gateway.delivery.RecipientOutcome} for
 * every recipient. What each destination showed is readable through
 * {@link org.sealrelay.gateway.delivery.DestinationCapabilityLookup}.
 */
package org.sealrelay.gateway.delivery;

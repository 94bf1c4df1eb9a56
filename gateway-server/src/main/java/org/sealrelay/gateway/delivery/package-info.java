/**
 * Outbound delivery: {@link org.sealrelay.gateway.delivery.SmtpDeliveryAgent} carries one
 * {@link org.sealrelay.gateway.delivery.DeliveryRequest} to the smart host or the recipient
 * domain's MX hosts over SMTP with STARTTLS at the request's TLS level, and reports a
 * {@link org.sealrelay.gateway.delivery.RecipientOutcome} for every recipient.
 */
package org.sealrelay.gateway.delivery;

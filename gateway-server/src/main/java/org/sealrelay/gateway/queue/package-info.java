/**
 * The queue manager: schedules spooled messages for delivery, groups recipients by destination,
 * records per-recipient outcomes durably and retries deferred recipients with backoff.
 */
package org.sealrelay.gateway.queue;

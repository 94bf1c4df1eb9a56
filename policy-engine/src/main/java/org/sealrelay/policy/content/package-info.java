/**
 * Facts about a message's content as the gateway extracted them: header fields, text and
 * attachments. The policy engine only reads them; extraction lives in the gateway.
 */
package org.sealrelay.policy.content;

/**
 * The message spool: durable, encrypted storage for accepted messages and their envelopes.
 *
 * <p>{@link org.sealrelay.gateway.spool.FileSpool} keeps each message as two files named by
 * queue id, a content file and an envelope file, both sealed with AES-256-GCM in authenticated
 * chunks. Directories are queue states, as in Postfix: {@code incoming/} holds messages still
 * being received, {@code queue/} holds committed ones, and {@code corrupt/} holds records that
 * failed their integrity check. {@link org.sealrelay.gateway.spool.SpoolKeys} manages the key
 * file.
 */
package org.sealrelay.gateway.spool;

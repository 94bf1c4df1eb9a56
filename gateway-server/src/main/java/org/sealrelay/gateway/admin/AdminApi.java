package org.sealrelay.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sealrelay.gateway.audit.AuditEvent;
import org.sealrelay.gateway.audit.AuditSink;
import org.sealrelay.gateway.queue.ChangeResult;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint's resources, independent of HTTP transport. Blocks on spool I/O, so it runs
 * on the admin executor, never on an event loop.
 *
 * <pre>
 * GET  /v1/queue                  list; filters: domain, reply, older-than (seconds), addresses
 * GET  /v1/queue/ID               one message with its recipients; addresses
 * GET  /v1/queue/ID/content       the message as stored (message/rfc822)
 * POST /v1/queue/ACTION           flush, hold, release, delete or bounce; selection: id (repeatable),
 *                                 domain, reply, older-than, all; dry-run counts without acting
 * </pre>
 */
final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final String PREFIX = "/v1/queue";
    private static final List<String> ACTIONS = List.of("flush", "hold", "release", "delete", "bounce");
    /** Content larger than this is not returned, so one request cannot fill the heap. */
    static final int MAX_CONTENT_OCTETS = 64 << 20;

    private final QueueManager queue;
    private final Spool spool;
    private final Clock clock;
    private final AuditSink audit;

    AdminApi(QueueManager queue, Spool spool, Clock clock) {
        this(queue, spool, clock, AuditSink.NONE);
    }

    AdminApi(QueueManager queue, Spool spool, Clock clock, AuditSink audit) {
        this.queue = queue;
        this.spool = spool;
        this.clock = clock;
        this.audit = audit;
    }

    AdminResponse handle(AdminRequest request) {
        String path = request.path();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return AdminResponse.error(404, "no resource at " + path + "; expected " + PREFIX + "[/...]");
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        try {
            if (parts.length == 1) {
                return requireMethod(request, "GET") ? list(request) : methodNotAllowed(request, "GET");
            }
            String name = parts[1];
            if (parts.length == 2 && ACTIONS.contains(name)) {
                return requireMethod(request, "POST") ? act(name, request) : methodNotAllowed(request, "POST");
            }
            if (!requireMethod(request, "GET")) {
                return methodNotAllowed(request, "GET");
            }
            QueueId id = parseId(name);
            if (parts.length == 2) {
                return show(id, request.flag("addresses"));
            }
            if (parts.length == 3 && parts[2].equals("content")) {
                return content(id);
            }
            return AdminResponse.error(404, "no resource at " + path);
        } catch (IllegalArgumentException e) {
            return AdminResponse.error(400, e.getMessage());
        }
    }

    private AdminResponse list(AdminRequest request) {
        QueueSelection filter = selection(request, true);
        Instant now = clock.instant();
        ArrayNode messages = JsonNodeFactory.instance.arrayNode();
        for (Envelope envelope : queue.snapshot()) {
            if (filter.matches(envelope, now)) {
                messages.add(MessageViews.summary(envelope, queue.isActive(envelope.id()), request.flag("addresses")));
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("count", messages.size());
        body.set("messages", messages);
        return AdminResponse.json(200, body);
    }

    private AdminResponse show(QueueId id, boolean showAddresses) {
        Envelope envelope = queue.find(id);
        if (envelope == null) {
            return notFound(id);
        }
        return AdminResponse.json(200, MessageViews.detail(envelope, queue.isActive(id), showAddresses));
    }

    private AdminResponse content(QueueId id) {
        if (queue.find(id) == null) {
            return notFound(id);
        }
        byte[] octets;
        try (InputStream in = spool.openContent(id)) {
            octets = in.readNBytes(MAX_CONTENT_OCTETS + 1);
        } catch (NoSuchFileException e) {
            return notFound(id);
        } catch (IOException e) {
            log.error("queueId={} reading the content for the admin endpoint failed: {}", id, e.toString());
            return AdminResponse.error(500, "reading the content of " + id + " failed: " + e.getMessage());
        }
        if (octets.length > MAX_CONTENT_OCTETS) {
            return AdminResponse.error(413, "message " + id + " is larger than " + MAX_CONTENT_OCTETS
                    + " octets; the admin endpoint does not return it");
        }
        log.info("queueId={} content read through the admin endpoint", id);
        return new AdminResponse(200, "message/rfc822", octets);
    }

    private AdminResponse act(String action, AdminRequest request) {
        QueueSelection selection = selection(request, false);
        if (selection.isEmpty() && !action.equals("flush")) {
            return AdminResponse.error(400, action + " needs a selection: id, domain, reply, older-than or all=true");
        }
        if (selection.isEmpty()) {
            selection = new QueueSelection(List.of(), null, null, null, true);
        }
        boolean dryRun = request.flag("dry-run");

        Instant now = clock.instant();
        List<QueueId> matched = new ArrayList<>();
        for (Envelope envelope : queue.snapshot()) {
            if (selection.matches(envelope, now)) {
                matched.add(envelope.id());
            }
        }

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", action);
        body.put("dryRun", dryRun);
        body.put("matched", matched.size());
        ArrayNode results = body.putArray("results");
        for (QueueId id : matched) {
            results.addObject().put("id", id.value()).put("result", dryRun ? "matched" : apply(action, id));
        }
        for (QueueId id : selection.ids()) {
            if (!matched.contains(id) && queue.find(id) == null) {
                results.addObject().put("id", id.value()).put("result", "not_found");
            }
        }
        log.info("admin {} {}: {} message(s) matched", action, dryRun ? "dry run" : "request", matched.size());
        return AdminResponse.json(200, body);
    }

    private String apply(String action, QueueId id) {
        ChangeResult result = switch (action) {
            case "flush" -> queue.flush(id);
            case "hold" -> queue.hold(id);
            case "release" -> queue.release(id);
            case "delete" -> queue.delete(id);
            case "bounce" -> queue.bounce(id);
            default -> throw new IllegalArgumentException("unknown action " + action);
        };
        if (result == ChangeResult.DONE && !action.equals("flush")) {
            recordChange(action, id);
        }
        return result.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Appends a queue change to the audit trail and waits until it is durable. The change has
     * already happened, so a failed audit write is logged, not undone.
     */
    private void recordChange(String action, QueueId id) {
        AuditEvent event = new AuditEvent("admin", clock.instant()).with("queueId", id.value()).with("action", action);
        try {
            audit.append(List.of(event)).join();
        } catch (RuntimeException e) {
            log.error("queueId={} admin {} done but not written to the audit log: {}", id, action, e.toString());
        }
    }

    private static QueueSelection selection(AdminRequest request, boolean listing) {
        List<QueueId> ids = new ArrayList<>();
        for (String text : request.parameters("id")) {
            ids.add(parseId(text));
        }
        String domain = emptyToNull(request.parameter("domain"));
        String reply = emptyToNull(request.parameter("reply"));
        Duration olderThan = null;
        String seconds = request.parameter("older-than");
        if (seconds != null) {
            try {
                olderThan = Duration.ofSeconds(Long.parseLong(seconds));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid older-than '" + seconds + "': expected whole seconds");
            }
            if (olderThan.isNegative()) {
                throw new IllegalArgumentException("invalid older-than " + seconds + ": expected 0 or more seconds");
            }
        }
        return new QueueSelection(ids, domain, reply, olderThan, listing || request.flag("all"));
    }

    private static QueueId parseId(String text) {
        if (!QueueId.isValid(text)) {
            throw new IllegalArgumentException("invalid queue id '" + printable(text)
                    + "': expected 20 characters of Crockford base32");
        }
        return new QueueId(text);
    }

    private static AdminResponse notFound(QueueId id) {
        return AdminResponse.error(404, "queue id " + id + " not found");
    }

    private static boolean requireMethod(AdminRequest request, String method) {
        return request.method().equals(method);
    }

    private static AdminResponse methodNotAllowed(AdminRequest request, String allowed) {
        return AdminResponse.error(405, request.method() + " is not allowed on " + request.path() + "; use " + allowed);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

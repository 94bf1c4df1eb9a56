package org.sealrelay.gateway.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * Settings of one {@link SmtpLoadGenerator} run, parsed from {@code --name value} arguments.
 *
 * @param host server address to connect to
 * @param port server port
 * @param count messages to send in total
 * @param sessions SMTP sessions open at the same time
 * @param messagesPerSession messages sent in one session before QUIT (smtp-source sends 1 by default)
 * @param size octets of body text per message, headers not included
 * @param startTls whether each session issues STARTTLS after EHLO and fails without it
 * @param content kind of body text
 * @param from envelope sender
 * @param to envelope recipient
 * @param timeout socket connect and read timeout per reply
 */
record LoadOptions(String host, int port, int count, int sessions, int messagesPerSession, int size,
        boolean startTls, BenchMessages.Content content, String from, String to, Duration timeout) {

    static final String USAGE = """
            usage: SmtpLoadGenerator --port PORT --count N --sessions S --size OCTETS [options]
              --host ADDRESS              server address (default 127.0.0.1)
              --messages-per-session K    messages per SMTP session before QUIT (default 1)
              --starttls                  issue STARTTLS after EHLO; any certificate is accepted
              --content filler|phi        body text: filler lines, or clinical text with made-up
                                          SSNs, MRNs and dates of birth (default filler)
              --from ADDRESS              envelope sender (default load@source.bench.example)
              --to ADDRESS                envelope recipient (default bench@plain.bench.example)
              --timeout SECONDS           connect and per-reply timeout (default 60)
            Prints "ready" once set up, starts when a line arrives on standard input, and prints
            one JSON line with the results when every message has been sent or has failed.""";

    /**
     * Parses command-line arguments.
     *
     * @throws IllegalArgumentException naming the option when one is unknown, missing or invalid
     */
    static LoadOptions parse(String[] args) {
        String host = "127.0.0.1";
        Integer port = null;
        Integer count = null;
        Integer sessions = null;
        Integer size = null;
        int messagesPerSession = 1;
        boolean startTls = false;
        BenchMessages.Content content = BenchMessages.Content.FILLER;
        String from = "load@source.bench.example";
        String to = "bench@plain.bench.example";
        Duration timeout = Duration.ofSeconds(60);

        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--starttls")) {
                startTls = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> host = value;
                case "--port" -> port = positive(option, value);
                case "--count" -> count = positive(option, value);
                case "--sessions" -> sessions = positive(option, value);
                case "--size" -> size = positive(option, value);
                case "--messages-per-session" -> messagesPerSession = positive(option, value);
                case "--content" -> content = content(value);
                case "--from" -> from = value;
                case "--to" -> to = value;
                case "--timeout" -> timeout = Duration.ofSeconds(positive(option, value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }

        return new LoadOptions(host, required("--port", port), required("--count", count),
                required("--sessions", sessions), messagesPerSession, required("--size", size), startTls, content,
                from, to, timeout);
    }

    private static int positive(String option, String value) {
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected a positive integer; got '" + value + "'");
        }
        if (number <= 0) {
            throw new IllegalArgumentException(option + ": expected a positive integer; got " + number);
        }
        return number;
    }

    private static BenchMessages.Content content(String value) {
        try {
            return BenchMessages.Content.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--content: expected filler or phi; got '" + value + "'");
        }
    }

    private static int required(String option, Integer value) {
        if (value == null) {
            throw new IllegalArgumentException("option " + option + " is missing");
        }
        return value;
    }
}

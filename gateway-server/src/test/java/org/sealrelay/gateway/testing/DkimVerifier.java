package org.sealrelay.gateway.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Verifies DKIM signatures with dkimpy (Debian package python3-dkim), an independent verifier.
 * The key record comes from the test through dkimpy's {@code dnsfunc} hook, so no DNS query
 * leaves the machine; any other name gets no record.
 */
public final class DkimVerifier {
    /** Whether the first signature verified, and what dkimpy printed (its reason on failure). */
    public record Result(boolean verified, String output) {
    }

    /** dkimpy's {@code tlsrpt} argument: an ordinary message, or a TLS report checked strictly for s=tlsrpt. */
    public enum Mode {
        EMAIL("no"),
        TLSRPT_STRICT("strict");

        private final String argument;

        Mode(String argument) {
            this.argument = argument;
        }
    }

    private static final String SCRIPT = """
            import logging, sys
            import dkim
            message = open(sys.argv[1], 'rb').read()
            name = sys.argv[2].encode('ascii')
            record = open(sys.argv[3], 'rb').read()
            tlsrpt = {'no': False, 'strict': 'strict'}[sys.argv[4]]
            def dnsfunc(domain, timeout=5):
                return record if domain.rstrip(b'.') == name else None
            logging.basicConfig(stream=sys.stdout, level=logging.ERROR, format='%(message)s')
            verifier = dkim.DKIM(message, logger=logging.getLogger('dkim'), tlsrpt=tlsrpt)
            try:
                verified = verifier.verify(dnsfunc=dnsfunc)
            except dkim.DKIMException as e:
                print('dkim error:', e)
                verified = False
            print('verified' if verified else 'not verified')
            sys.exit(0 if verified else 1)
            """;

    private DkimVerifier() {
    }

    /**
     * Returns Debian's {@code /usr/bin/python3} when it exists, because the python3-dkim package
     * is installed for that interpreter only, and a pyenv or virtualenv python3 that comes first
     * on PATH cannot import it.
     */
    private static Path python() {
        Path debian = Path.of("/usr/bin/python3");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        return ExternalTool.require("python3");
    }

    /**
     * Runs dkimpy on {@code message}.
     *
     * @param recordName the key record's name, {@code selector._domainkey.domain}
     * @param recordText the key record's TXT text
     * @param directory where the message, record and script are written
     */
    public static Result verify(byte[] message, String recordName, String recordText, Mode mode, Path directory)
            throws IOException, InterruptedException {
        Path python = python();
        Path work = Files.createTempDirectory(directory, "dkimpy");
        Path script = work.resolve("verify.py");
        Files.writeString(script, SCRIPT, StandardCharsets.US_ASCII);
        Path messageFile = Files.write(work.resolve("message.eml"), message);
        Path recordFile = Files.writeString(work.resolve("record.txt"), recordText, StandardCharsets.US_ASCII);
        ExternalTool.Result result = ExternalTool.run(List.of(python.toString(), script.toString(),
                messageFile.toString(), recordName, recordFile.toString(), mode.argument), work, 60);
        if (result.output().contains("No module named 'dkim'") || result.output().contains("No module named 'nacl'")) {
            String problem = "python3 cannot import dkimpy; install python3-dkim:\n" + result.output();
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(problem);
            }
            assumeTrue(false, problem);
        }
        // The script exits 0 only after dkimpy returned true.
        return new Result(result.exitCode() == 0, result.output());
    }
}

package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditVerifier;
import org.sealrelay.gateway.audit.ChainPosition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sealrelay audit verify FILE...}: checks the MAC chain of an audit log and its rotated files. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Check that no line of an audit log was changed, removed, inserted or reordered, that no rotated"
                    + " file is missing or cut short, and that no lines were cut off the end of the live log.",
            "With one FILE, the live log, its rotated files FILE.yyyyMMddTHHmmssZ beside it are checked first,"
                    + " oldest first. With several, they are checked in the order given.",
            "Exits 0 when everything verifies, 1 at the first problem, 2 when a file cannot be read."})
final class AuditVerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "The live audit log, such as var/audit.log, or rotated files followed by the live log.")
    List<Path> files;

    @Option(names = "--key-file", paramLabel = "KEYFILE", defaultValue = "var/audit.key",
            description = "The audit key the log was written with (default: ${DEFAULT-VALUE}).")
    Path keyFile;

    @Option(names = "--anchor", paramLabel = "ANCHORFILE",
            description = "The anchor that records the live log's end (default: the last FILE with .anchor"
                    + " appended, unless that FILE is a rotated file).")
    Path anchor;

    @Option(names = "--no-anchor", description = "Skip the anchor check, for copies of a log kept without it.")
    boolean noAnchor;

    @Option(names = "--partial", description = "Check part of a chain: accept a first FILE that continues a file"
            + " not given and a last FILE that ends in a rotation.")
    boolean partial;

    @Option(names = "--checkpoint", paramLabel = "SEQ:MAC",
            description = "A position from an 'audit checkpoint' line of the gateway's log, which the chain must"
                    + " contain; may be repeated.")
    List<String> checkpoints = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (anchor != null && noAnchor) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--anchor and --no-anchor cannot be used together");
        }
        List<ChainPosition> positions = new ArrayList<>();
        for (String checkpoint : checkpoints) {
            try {
                positions.add(ChainPosition.parse(checkpoint));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint: " + e.getMessage());
            }
        }
        AuditVerifier.Result result;
        List<Path> chain;
        try {
            chain = chainFiles();
            Path last = chain.get(chain.size() - 1);
            Optional<Path> anchorFile = Optional.ofNullable(anchor);
            if (anchor == null && !noAnchor && !AuditVerifier.isRotatedName(last)) {
                anchorFile = Optional.of(AuditVerifier.anchorFor(last));
            }
            result = AuditVerifier.verify(chain, AuditKey.load(keyFile),
                    new AuditVerifier.Checks(anchorFile, partial, positions));
        } catch (IOException e) {
            spec.commandLine().getErr().println("audit verify failed: " + e.getMessage());
            return 2;
        }
        if (result.intact()) {
            Path last = chain.get(chain.size() - 1);
            String across = chain.size() > 1 ? " in " + chain.size() + " file(s)" : "";
            spec.commandLine().getOut().println(last + ": intact, " + result.verifiedLines() + " line(s)" + across);
            for (String note : result.notes()) {
                spec.commandLine().getOut().println("  " + note);
            }
            return 0;
        }
        long line = result.brokenLine().get();
        String where = result.brokenFile().get() + (line > 0 ? ":" + line : "");
        spec.commandLine().getErr().println(where + ": broken: " + result.problem() + " (" + result.verifiedLines()
                + " line(s) before it verified)");
        return 1;
    }

    /** Returns the files in chain order: with one live log, its rotated files come first. */
    private List<Path> chainFiles() throws IOException {
        if (files.size() > 1 || AuditVerifier.isRotatedName(files.get(0))) {
            return files;
        }
        List<Path> chain = new ArrayList<>(AuditVerifier.rotatedFiles(files.get(0)));
        chain.add(files.get(0));
        return chain;
    }
}

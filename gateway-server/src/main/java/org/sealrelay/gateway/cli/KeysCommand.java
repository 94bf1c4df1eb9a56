package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay keys}: manages the recipient key directory used for OpenPGP and S/MIME. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Manage recipient OpenPGP keys and S/MIME certificates.",
        subcommands = {KeysImportCommand.class, KeysListCommand.class, KeysRemoveCommand.class, KeysLookupCommand.class,
                KeysAcceptCommand.class})
final class KeysCommand implements Runnable {
    /** sysexits.h EX_DATAERR: the key file was rejected. */
    static final int EXIT_REJECTED = 65;
    /** sysexits.h EX_IOERR: the directory could not be read or written. */
    static final int EXIT_IO = 74;
    /** Nothing matched: no key removed, or no usable key found. */
    static final int EXIT_NOT_FOUND = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: try 'sealrelay keys import FILE', 'keys list', 'keys remove ADDRESS', 'keys lookup ADDRESS' or 'keys accept ADDRESS FINGERPRINT'");
    }
}
